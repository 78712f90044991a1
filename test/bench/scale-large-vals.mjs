// test/bench/scale-large-vals.mjs: the stored values (reports.vals JSON) of
// a large-250 report for the scale benchmark's bulk fill, with two
// placeholders the SQL replaces: __AT__ (when the values were set) and __N__
// (the report's number, in the texts, so that they vary).
//
//   node test/bench/scale-large-vals.mjs large-250.xml > vals.json
import { readFileSync } from 'node:fs';

const xml = readFileSync(process.argv[2], 'utf8');
const vals = {};
let n = 0;
for (const m of xml.matchAll(/<cluster>([\s\S]*?)<\/cluster>/g)) {
  const get = (t) => (m[1].match(new RegExp(`<${t}>([^<]*)</${t}>`)) || [])[1];
  const type = get('type'), key = `${get('sheetNo')}/${get('clusterId')}`;
  n++;
  let v;
  switch (type) {
    case 'KeyboardText': v = `検査 item ${n} / __N__`; break;
    case 'Numeric': v = (n % 7 + 0.25).toFixed(2); break;
    case 'Date': v = '2025-06-15'; break;
    case 'Time': v = '08:30'; break;
    case 'Check': v = n % 3 ? '1' : ''; break;
    case 'Select': {
      const item = m[1].match(/<item value="([^"]*)"/);
      v = item ? item[1] : '';
      break;
    }
    default: v = '';
  }
  if (v !== '') vals[key] = { v, at: '__AT__', by: 'admin' };
}
process.stdout.write(JSON.stringify(vals));
