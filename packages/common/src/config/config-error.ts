/** Stable codes for configuration failures, so a caller can `switch` on them. */
export type ConfigErrorCode = 'ERR_CONFIG_INVALID';

/**
 * A setting (usually an environment variable) is missing or malformed. `message` is one line that names
 * the setting; print it and exit 1.
 */
export class ConfigError extends Error {
  readonly code: ConfigErrorCode = 'ERR_CONFIG_INVALID';
  /** The setting that failed, e.g. `PORT`. */
  readonly setting: string;

  constructor(setting: string, message: string) {
    super(message);
    this.name = 'ConfigError';
    this.setting = setting;
  }
}
