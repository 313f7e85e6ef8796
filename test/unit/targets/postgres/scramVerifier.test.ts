import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scramVerifier } from '../../../../shared/targets/postgres/scramVerifier.js';

describe('SCRAM-SHA-256 verifier', () => {
  it("has Postgres's format and the RFC 5802 keys", async () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const verifier = await scramVerifier('pencil', 4096, salt);

    const [scheme, iterationsAndSalt, keys] = verifier.split('$');
    const [storedKey, serverKey] = (keys ?? '').split(':');
    // Independent derivation of the same keys with the synchronous primitives.
    const salted = pbkdf2Sync('pencil', salt, 4096, 32, 'sha256');
    const expectedStored = createHash('sha256')
      .update(createHmac('sha256', salted).update('Client Key').digest())
      .digest('base64');
    const expectedServer = createHmac('sha256', salted).update('Server Key').digest('base64');
    expect(scheme).toBe('SCRAM-SHA-256');
    expect(iterationsAndSalt).toBe('4096:W22ZaJ0SNY7soEsUEjb6gQ==');
    expect(storedKey).toBe(expectedStored);
    expect(serverKey).toBe(expectedServer);
    // RFC 7677's example exchange: the server signature it shows follows from this ServerKey.
    const authMessage =
      'n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const signature = createHmac('sha256', Buffer.from(serverKey ?? '', 'base64'))
      .update(authMessage)
      .digest('base64');
    expect(signature).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  });

  it('uses a fresh random salt each time', async () => {
    const [a, b] = await Promise.all([scramVerifier('same-password'), scramVerifier('same-password')]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/);
  });

  it('refuses passwords SASLprep could change, without quoting them', async () => {
    await expect(scramVerifier('pässword-secret')).rejects.toThrow(/printable ASCII/);
    await expect(scramVerifier('pässword-secret')).rejects.not.toThrow(/pässword/);
  });
});
