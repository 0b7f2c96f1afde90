#!/usr/bin/env node
// The runnable VADER reference of Eddy's parity test: the npm port vader-sentiment (1.1.3,
// node_modules/, pinned in package.json), corrected where it departs from the original Python
// algorithm (vaderSentiment 3.3.2) that Eddy implements. Each correction below is one listed
// disagreement between the port and the original, with the reason; see README.md here.
//
// Usage: vader_reference.js [--port] [--without ID[,ID...]] [--npm-test-sentences] < lines
//   prints one compound score per input line (the port's own rounding: toFixed(4)).
//   --port                the published port as is (its webpack bundle, no corrections)
//   --without C3,C8       corrections left out (to see which sentences a correction explains)
//   --npm-test-sentences  print the sentences of the port's own tests instead, one per line
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const root = path.join(__dirname, '..', '..');
const portDir = path.join(root, 'node_modules', 'vader-sentiment');
const args = process.argv.slice(2);
const without = new Set(((args[args.indexOf('--without') + 1] || '') &&
  args.includes('--without') ? args[args.indexOf('--without') + 1] : '').split(',').filter(Boolean));

if (!fs.existsSync(portDir)) {
  process.stderr.write(`vader_reference.js: ${portDir} is missing; run scripts/install-deps\n`);
  process.exit(3);
}

if (args.includes('--npm-test-sentences')) {
  const src = fs.readFileSync(path.join(portDir, 'tests', 'SentimentIntensityAnalyzer_tests.js'), 'utf8');
  const re = /text:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  let m;
  while ((m = re.exec(src)) !== null) process.stdout.write((m[1] !== undefined ? m[1] : m[2]).replace(/\\(.)/g, '$1') + '\n');
  process.exit(0);
}

// Loads the port's ES-module source as a script whose top-level names are properties of one
// context object, so that corrections can replace its constants and functions.
function loadPortSource() {
  let src = fs.readFileSync(path.join(portDir, 'src', 'vaderSentiment.js'), 'utf8');
  src = src.replace(/^export const /gm, 'var ').replace(/^export class (\w+)/gm, 'var $1 = class $1');
  const lexSrc = fs.readFileSync(path.join(portDir, 'src', 'vader_lexicon.js'), 'utf8');
  const lexModule = {exports: {}};
  vm.runInNewContext(lexSrc.replace(/^export const /gm, 'exports.'), {exports: lexModule.exports, module: lexModule});
  const ctx = {require: (p) => { if (p === './vader_lexicon.js') return lexModule.exports; throw new Error(p); }};
  vm.createContext(ctx);
  vm.runInContext(src, ctx);
  return ctx;
}

const PY_SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const PY_STRIP = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
const PUNCT = '[!-\\/:-@\\[-`{-~]';
const PUNCT_STRIP = new RegExp(`^${PUNCT}+|${PUNCT}+$`, 'g');
const pyIsUpper = (w) => !/[\p{Lowercase}\p{Lt}]/u.test(w) && /\p{Uppercase}/u.test(w);
const pyLen = (s) => [...s].length;
const dataDir = path.join(root, 'data', 'vader');
function readTable(file) {
  return fs.readFileSync(path.join(dataDir, file), 'utf8').replace(/\n+$/, '').split('\n')
    .filter((l) => l).map((l) => l.trim().split('\t'));
}

// The corrections: id -> [reason, apply(ctx)].
const CORRECTIONS = {
  C1: ['the port ships an older lexicon (src/vader_lexicon.js); 3.3.2 reads vader_lexicon.txt',
    (c) => {
      for (const k of Object.keys(c.lexiconObject)) delete c.lexiconObject[k];
      for (const [w, v] of readTable('vader_lexicon.txt')) c.lexiconObject[w] = parseFloat(v);
    }],
  C2: ['the port has no emoji support; 3.3.2 replaces each emoji code point by its description',
    (c) => { c.emoji = new Map(readTable('emoji_utf8_lexicon.txt').map(([e, d]) => [e, d])); }],
  C3: ['the port drops one-character tokens and strips only listed punctuation pairs; 3.3.2 ' +
       'splits on whitespace and strips string.punctuation when more than two characters remain',
    (c) => {
      c.ctx.SentiText.prototype.get_words_and_emoticons = function () {
        return this.text.split(PY_SPACE).filter((t) => t.length > 0).map((t) => {
          const s = t.replace(PUNCT_STRIP, '');
          return pyLen(s) <= 2 ? t : s;
        });
      };
    }],
  C4: ['BOOSTER_DICT of 3.3.2 has 18 words the port lacks (considerable, enormous, major, ...)',
    (c) => {
      for (const w of ['considerable', 'enormous', 'exceptional', 'extreme', 'frackin', 'fracking',
        'fuckin', 'fuggin', 'fugging', 'incredible', 'major', 'total', 'tremendous', 'utter']) c.ctx.BOOSTER_DICT[w] = c.ctx.B_INCR;
      for (const w of ['marginal', 'occasional', 'scarce', 'slight']) c.ctx.BOOSTER_DICT[w] = c.ctx.B_DECR;
    }],
  C5: ['3.3.2 treats "no" before a lexicon word (or 2-3 words before) as a negation; the port does not',
    (c) => { c.noRule = true; }],
  C6: ['negation checks: the port compares case-sensitively, scales "never so/this X" by 1.5 ' +
       '(3.3.2: 1.25) and lacks the "without (a) doubt" exception',
    (c) => {
      const negated = c.ctx.negated;
      c.ctx.SentimentIntensityAnalyzer.never_check = (valence, words, start_i, i) => {
        const w = words.map((x) => x.toLowerCase());
        if (start_i === 0 && negated([w[i - 1]])) valence *= c.ctx.N_SCALAR;
        if (start_i === 1) {
          if (w[i - 2] === 'never' && (w[i - 1] === 'so' || w[i - 1] === 'this')) valence *= 1.25;
          else if (w[i - 2] === 'without' && w[i - 1] === 'doubt') { /* not a negation */ }
          else if (negated([w[i - 2]])) valence *= c.ctx.N_SCALAR;
        }
        if (start_i === 2) {
          if ((w[i - 3] === 'never' && (w[i - 2] === 'so' || w[i - 2] === 'this')) ||
              (w[i - 1] === 'so' || w[i - 1] === 'this')) valence *= 1.25;
          else if (w[i - 3] === 'without' && (w[i - 2] === 'doubt' || w[i - 1] === 'doubt')) { /* idem */ }
          else if (negated([w[i - 3]])) valence *= c.ctx.N_SCALAR;
        }
        return valence;
      };
    }],
  C7: ['idioms: 3.3.2 SPECIAL_CASES differ (no "cut the mustard"/"hand to mouth"; adds badass, bus ' +
       'stop, to die for, beating/broken heart), match lowercase words, and booster bigrams add ' +
       'their own value',
    (c) => {
      const SPECIAL = {'the shit': 3, 'the bomb': 3, 'bad ass': 1.5, 'badass': 1.5, 'bus stop': 0.0,
        'yeah right': -2, 'kiss of death': -1.5, 'to die for': 3, 'beating heart': 3.1, 'broken heart': -2.9};
      const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
      c.ctx.SentimentIntensityAnalyzer.idioms_check = (valence, words, i) => {
        const w = words.map((x) => x.toLowerCase());
        const onezero = `${w[i - 1]} ${w[i]}`, twoonezero = `${w[i - 2]} ${w[i - 1]} ${w[i]}`;
        const twoone = `${w[i - 2]} ${w[i - 1]}`, threetwoone = `${w[i - 3]} ${w[i - 2]} ${w[i - 1]}`;
        const threetwo = `${w[i - 3]} ${w[i - 2]}`;
        for (const seq of [onezero, twoonezero, twoone, threetwoone, threetwo]) {
          if (has(SPECIAL, seq)) { valence = SPECIAL[seq]; break; }
        }
        if (w.length - 1 > i && has(SPECIAL, `${w[i]} ${w[i + 1]}`)) valence = SPECIAL[`${w[i]} ${w[i + 1]}`];
        if (w.length - 1 > i + 1 && has(SPECIAL, `${w[i]} ${w[i + 1]} ${w[i + 2]}`)) valence = SPECIAL[`${w[i]} ${w[i + 1]} ${w[i + 2]}`];
        for (const g of [threetwoone, threetwo, twoone]) if (has(c.ctx.BOOSTER_DICT, g)) valence += c.ctx.BOOSTER_DICT[g];
        return valence;
      };
    }],
  C8: ['"but": the port finds only "but"/"BUT" and re-weights by position; 3.3.2 lowercases and ' +
       're-weights each score found by value (list.index), so repeated scores are re-weighted unevenly',
    (c) => {
      c.ctx.SentimentIntensityAnalyzer.but_check = (words, sentiments) => {
        const bi = words.map((x) => x.toLowerCase()).indexOf('but');
        if (bi === -1) return sentiments;
        for (let k = 0; k < sentiments.length; k++) {
          const v = sentiments[k];
          const si = sentiments.indexOf(v);
          if (si < bi) sentiments[si] = v * 0.5;
          else if (si > bi) sentiments[si] = v * 1.5;
        }
        return sentiments;
      };
    }],
  C9: ['ALL-CAPS test: the port\'s is_upper is an ASCII regex; 3.3.2 uses Unicode str.isupper()',
    (c) => { c.ctx.is_upper_python = pyIsUpper; }],
};

function makeCorrected() {
  const ctx = loadPortSource();
  const c = {ctx, lexiconObject: ctx.require('./vader_lexicon.js').lexicon, emoji: null, noRule: false};
  for (const [id, [, apply]] of Object.entries(CORRECTIONS)) if (!without.has(id)) apply(c);
  const SIA = ctx.SentimentIntensityAnalyzer;
  const LEX = c.lexiconObject;
  const has = (k) => Object.prototype.hasOwnProperty.call(LEX, k);
  if (c.noRule) {
    // sentiment_valence of 3.3.2: the "no" rule comes before the ALL-CAPS emphasis.
    const orig = SIA.sentiment_valence;
    SIA.sentiment_valence = function (valence, sentiText, item, i, sentiments) {
      const w = sentiText.words_and_emoticons.map((x) => x.toLowerCase());
      const lw = item.toLowerCase();
      if (!has(lw)) return orig.call(this, valence, sentiText, item, i, sentiments);
      let base = LEX[lw];
      if (lw === 'no' && i !== w.length - 1 && has(w[i + 1])) base = 0.0;
      if ((i > 0 && w[i - 1] === 'no') || (i > 1 && w[i - 2] === 'no') ||
          (i > 2 && w[i - 3] === 'no' && (w[i - 1] === 'or' || w[i - 1] === 'nor'))) base = LEX[lw] * ctx.N_SCALAR;
      const saved = LEX[lw];
      LEX[lw] = base;  // the port reads the lexicon once, at the top of sentiment_valence
      try { return orig.call(this, valence, sentiText, item, i, sentiments); } finally { LEX[lw] = saved; }
    };
  }
  return (text) => {
    if (c.emoji) {
      let out = '';
      let prevSpace = true;
      for (const ch of text) {
        const d = c.emoji.get(ch);
        if (d !== undefined) { if (!prevSpace) out += ' '; out += d; prevSpace = false; }
        else { out += ch; prevSpace = ch === ' '; }
      }
      text = out;
    }
    if (!without.has('C3')) text = text.replace(PY_STRIP, '');
    return SIA.polarity_scores(text).compound;
  };
}

const score = args.includes('--port')
  ? ((sia) => (t) => sia.polarity_scores(t).compound)(require(portDir).SentimentIntensityAnalyzer)
  : makeCorrected();

const input = fs.readFileSync(0, 'utf8');
const lines = input.split('\n');
if (lines.length && lines[lines.length - 1] === '') lines.pop();
const out = [];
for (const line of lines) out.push(String(score(line)));
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
