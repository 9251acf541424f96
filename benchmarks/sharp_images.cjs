// The image peer: sharp (libvips) doing what bangyang's image stage does for
// each source photo — EXIF orientation applied, metadata dropped, three widths
// (never upscaled), each as WebP (quality 80, effort 4) and progressive JPEG
// (quality 82) — over all cores, sources processed in parallel.
//   NODE_PATH=<cache>/npm/node_modules node sharp_images.cjs OUT_DIR PHOTO...
// Prints {"seconds": …, "photos": …} on stdout.
const sharp = require("sharp");
const os = require("os");
const path = require("path");
const fs = require("fs");

const WIDTHS = [480, 960, 1600];
const [outDir, ...photos] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });

async function one(file, index) {
  const source = sharp(file, { failOn: "none" }).rotate();
  const { width } = await source.metadata();
  const jobs = [];
  for (const w of WIDTHS.filter((w) => w <= width)) {
    const resized = source.clone().resize({ width: w });
    const base = path.join(outDir, `${index}-${w}`);
    jobs.push(resized.clone().webp({ quality: 80, effort: 4 }).toFile(base + ".webp"));
    jobs.push(resized.clone().jpeg({ quality: 82, progressive: true }).toFile(base + ".jpg"));
  }
  await Promise.all(jobs);
}

async function main() {
  const started = process.hrtime.bigint();
  const queue = photos.map((file, i) => [file, i]);
  const workers = Array.from({ length: os.cpus().length }, async () => {
    while (queue.length) {
      const [file, i] = queue.shift();
      await one(file, i);
    }
  });
  await Promise.all(workers);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(JSON.stringify({ seconds, photos: photos.length, sharp: require("sharp/package.json").version }));
}
main().catch((e) => { console.error(e); process.exit(1); });
