/**
 * Writes the default music on hold (src/media/moh.ts) to assets/prompts/moh/default.wav
 * as 8 kHz A-law. Run: npx tsx scripts/prompts/make-moh.ts
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { musicOnHold } from '../../src/media/moh.js';
import { writeWav } from '../../src/media/wav.js';

const dir = new URL('../../assets/prompts/moh/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('default.wav', dir), writeWav(musicOnHold(), { format: 'alaw' }));
console.log('wrote assets/prompts/moh/default.wav');
