// Writes examples/data/housing-synthetic.csv: 200 made-up houses from a fixed formula and seed (no real data), so
// the CSV example has something with known structure to learn. Run: node --import tsx examples/data/make-housing-synthetic.ts
// price_k = 40 + 1.9 area_m2 + 12 rooms - 0.7 age_years - 3.5 distance_km + 20 garden + N(0, 12^2), in thousands.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Generator } from '../../engine/random';

const gen = new Generator(2024);
const rows = ['area_m2,rooms,age_years,distance_km,garden,price_k'];
for (let i = 0; i < 200; i++) {
  const area = Math.round(gen.uniform(35, 220));
  const rooms = Math.max(1, Math.min(7, Math.round(area / 32 + gen.normal() * 0.7)));
  const age = Math.round(gen.uniform(0, 90));
  const distance = Math.round(gen.uniform(0.5, 30) * 10) / 10;
  const garden = gen.next() < 0.4 ? 1 : 0;
  const price = 40 + 1.9 * area + 12 * rooms - 0.7 * age - 3.5 * distance + 20 * garden + 12 * gen.normal();
  rows.push([area, rooms, age, distance.toFixed(1), garden, price.toFixed(1)].join(','));
}
const out = path.join(path.dirname(new URL(import.meta.url).pathname), 'housing-synthetic.csv');
writeFileSync(out, rows.join('\n') + '\n');
console.log(`wrote ${rows.length - 1} rows to ${out}`);
