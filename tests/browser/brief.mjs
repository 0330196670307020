// Opens a Detente brief.html in headless Chromium and reports what a reader sees, as one JSON line.
// usage: node brief.mjs BRIEF_HTML SCREENSHOT_PNG
import { chromium } from "playwright-core";

const [, , briefPath, screenshotPath] = process.argv;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // a closed network: no background services, no QUIC, no first-run prompts
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto("file://" + briefPath);

  const seen = {
    title: await page.title(),
    heading: await page.locator("h1").textContent(),
    timelineRows: (await page.locator("#timeline tr").count()) - 1,
    trendCharts: await page.locator("svg.trend").count(),
    trendPoints: await page.locator("svg.trend circle").count(),
    trendWidth: (await page.locator("svg.trend").first().boundingBox())?.width ?? 0,
    firstPointTitle: await page.locator("svg.trend circle title").first().textContent(),
    quotes: await page.locator("#quotes li").count(),
    documents: (await page.locator("#documents tr").count()) - 1,
  };
  // A document's clean text is folded away until the reader opens it.
  const details = page.locator("#documents details").first();
  seen.textHiddenBefore = !(await details.locator("p").first().isVisible());
  await details.locator("summary").click();
  seen.textVisibleAfter = await details.locator("p").first().isVisible();
  await page.screenshot({ path: screenshotPath });
  seen.errors = errors;
  console.log(JSON.stringify(seen));
} finally {
  await browser.close();
}
