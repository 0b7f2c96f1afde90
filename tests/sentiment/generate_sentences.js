#!/usr/bin/env node
// Deterministic generator of sentences that exercise every VADER rule, for the parity test
// (tests/sentiment/README.md). Usage: generate_sentences.js [--count N] [--seed S] [--lexicon-dir DIR]
// Prints N lines of UTF-8 text. The same seed always gives the same lines (own PRNG, no
// Math.random), so a failing sentence can be reproduced from the test output alone.
'use strict';
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
function arg(name, def) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
}
const count = parseInt(arg('--count', '10000'), 10);
let seed = parseInt(arg('--seed', '20140601'), 10) >>> 0;
const dir = arg('--lexicon-dir', path.join(__dirname, '..', '..', 'data', 'vader'));

// mulberry32
function rand() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const chance = (p) => rand() < p;

const lexLines = fs.readFileSync(path.join(dir, 'vader_lexicon.txt'), 'utf8').split('\n');
const lexicon = lexLines.filter((l) => l).map((l) => l.split('\t')[0]);
const wordsOnly = lexicon.filter((w) => /^[a-z][a-z'-]*$/.test(w));
const emoticons = lexicon.filter((w) => !/^[a-z]/.test(w) && !/\s/.test(w));
const emojiLines = fs.readFileSync(path.join(dir, 'emoji_utf8_lexicon.txt'), 'utf8').split('\n');
const emoji = emojiLines.filter((l) => l).map((l) => l.split('\t')[0]);

const boosters = ['absolutely', 'amazingly', 'completely', 'extremely', 'incredibly', 'really',
  'so', 'very', 'totally', 'hella', 'friggin', 'fuckin', 'uber', 'most', 'more', 'quite',
  'utterly', 'enormous', 'major', 'total', 'almost', 'barely', 'hardly', 'kinda', 'kindof',
  'kind-of', 'less', 'little', 'marginal', 'partly', 'slightly', 'somewhat', 'sorta', 'sort-of',
  'scarce', 'occasional'];
const multiBoosters = ['kind of', 'sort of', 'just enough'];
const negations = ['not', "isn't", "don't", 'never', 'no', 'without', 'nor', 'nothing', 'cannot',
  'cant', 'wont', "wouldn't", 'rarely', 'seldom', 'despite', 'none', 'nope', "ain't", 'uh-uh',
  "shouldn't", "doesn't", 'neither'];
const phrases = ['the shit', 'the bomb', 'bad ass', 'badass', 'bus stop', 'yeah right',
  'kiss of death', 'to die for', 'beating heart', 'broken heart', 'cut the mustard',
  'hand to mouth', 'under the weather', 'never so', 'never this', 'without a doubt',
  'without doubt', 'at least', 'very least', 'least', 'no or', 'kind of', 'sort of',
  'can\'t stand', 'fed up'];
const fillers = ['the', 'a', 'I', 'it', 'was', 'is', 'movie', 'book', 'today', 'this', 'that',
  'we', 'you', 'of', 'at', 'or', 'and', 'to', 'my', 'he', 'she', 'they', 'food', 'service',
  'x', 'ok', 'u', 'caf\u00e9', '\u00e9t\u00e9', 'NA\u00cfVE', '\u0391\u0398\u0397\u039d\u0391',
  '\u041c\u041e\u0421\u041a\u0412\u0410', 'stra\u00dfe', 'kind', 'sort', 'just', 'enough', '2day',
  'lol', 'omg', 'RT', 'http://t.co/xyz', '@someone', '#happy', '123', '...', '-', '--', '&'];
const buts = ['but', 'But', 'BUT', 'but,'];
const puncts = ['!', '!!', '!!!', '!!!!!', '?', '??', '???', '????', '?!', '.', ',', '...', ':',
  ';', '"', "'", ')', '(', '*', '-'];
const spaces = [' ', ' ', ' ', ' ', ' ', '  ', '\t', '\u00a0', '\u2003', '\u3000', '\u200b'];

function caseVariant(w) {
  const r = rand();
  if (r < 0.12) return w.toUpperCase();
  if (r < 0.2) return w.charAt(0).toUpperCase() + w.slice(1);
  return w;
}

function token() {
  const r = rand();
  let t;
  if (r < 0.34) t = caseVariant(pick(wordsOnly));
  else if (r < 0.42) t = caseVariant(pick(boosters));
  else if (r < 0.44) t = caseVariant(pick(multiBoosters));
  else if (r < 0.53) t = caseVariant(pick(negations));
  else if (r < 0.58) t = caseVariant(pick(phrases));
  else if (r < 0.62) t = pick(buts);
  else if (r < 0.67) t = pick(emoticons);
  else if (r < 0.74) {
    t = pick(emoji);
    if (chance(0.3)) t += pick(emoji);  // adjacent emoji
  } else t = caseVariant(pick(fillers));
  if (chance(0.15)) t = pick(puncts) + t;
  if (chance(0.25)) t += pick(puncts);
  return t;
}

const out = [];
for (let n = 0; n < count; n++) {
  const len = 1 + Math.floor(rand() * (chance(0.1) ? 40 : 14));
  let s = chance(0.05) ? pick(spaces) : '';
  const toks = [];
  for (let k = 0; k < len; k++) toks.push(token());
  // Repeat a token now and then: 'but' re-weighting finds scores by value.
  if (toks.length > 3 && chance(0.3)) toks.splice(1 + Math.floor(rand() * (toks.length - 1)), 0, toks[0]);
  for (let k = 0; k < toks.length; k++) {
    if (k > 0) s += chance(0.1) ? '' : pick(spaces);  // sometimes glue tokens together
    s += toks[k];
  }
  if (chance(0.05)) s += pick(spaces);
  out.push(s.replace(/[\r\n]/g, ' '));
}
process.stdout.write(out.join('\n') + '\n');
