// twitter-text's ES build has only a default export; the shared validation module imports named
// functions (as Node's CommonJS interop allows). The Vite build maps 'twitter-text' here.
// @ts-expect-error: the ES build ships no type declarations of its own
import twttr from 'twitter-text/dist/esm/index.js';

export const parseTweet = twttr.parseTweet;
export const extractHashtags = twttr.extractHashtags;
export const extractUrlsWithIndices = twttr.extractUrlsWithIndices;
export default twttr;
