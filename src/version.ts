/** The firmware version, from package.json (bundled in by tsup for firmware images). */
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
