/** A function's configuration (its environment) is missing a variable or holds an unusable one. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super(`Environment variable ${variable} ${problem}. Fix the function's configuration and redeploy.`);
    this.variable = variable;
  }
}
