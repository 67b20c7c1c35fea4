/**
 * G.711 for the media engine: the codec lives in common/g711.ts, shared with the line-card
 * driver (drivers may import common/, never src/). Media code keeps importing from here.
 */
export * from '../../common/g711.js';
