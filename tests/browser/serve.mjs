// Drives a running `detente serve` in headless Chromium as a reader would, and reports what it saw as one JSON line.
// usage: node serve.mjs BASE_URL PAYLOAD_DOC_ID [SCREENSHOT_PNG]
//
// 1. the overview; 2. the event table, filtered to RUS–USA CONSULT through its form; 3. the first event's
// evidence, followed to its document; 4. the dyad view and its chart; 5. the ingest form, with a pasted page;
// 6. pages that show documents full of script payloads (each would set window.__pwned or document.title if it ran). Every request that leaves BASE_URL is
// refused and listed: the dashboard must need nothing from elsewhere.
import { chromium } from "playwright-core";

// shots: a folder for screenshots of the overview, dyad and document views (test artifacts), or nothing
const [, , base, payloadDoc, shots] = process.argv;
const shoot = async (page, name) => { if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true }); };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update"],
});
const seen = { errors: [], csp: [], external: [] };
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.route((url) => !url.href.startsWith(base), (route) => {
    seen.external.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  page.on("pageerror", (e) => seen.errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    (/Content Security Policy/i.test(m.text()) ? seen.csp : seen.errors).push(m.text());
  });
  page.on("dialog", (d) => { seen.errors.push("dialog: " + d.message()); d.dismiss().catch(() => {}); });

  // 1. overview
  await page.goto(base + "/");
  seen.overview = {
    heading: await page.locator("h1").textContent(),
    cards: await page.locator("ul.cards li").count(),
    dyadLinks: await page.locator('a[href^="/dyad/"]').count(),
    timeline: await page.locator("ol.timeline li").count(),
  };
  await shoot(page, "overview");

  // 2. the event table, filtered through its form (the URL keeps the filters, and only those in use)
  await page.locator("header nav a", { hasText: "Events" }).click();
  await page.waitForURL(/\/events$/);
  await page.fill("#f-dyad", "RUS-USA");
  await page.selectOption("#f-plover", "CONSULT");
  await Promise.all([page.waitForURL(/plover=CONSULT/), page.locator("form.filters button[type=submit]").click()]);
  const rows = page.locator("table.events tbody tr");
  seen.filtered = {
    search: new URL(page.url()).search,
    total: Number(await page.locator("#total").textContent()),
    rows: await rows.count(),
    types: await rows.locator("td:nth-child(4)").allTextContents(),
    dyads: await rows.locator("td:nth-child(2)").allTextContents(),
  };

  // 3. follow the first event to its document: its sentence is highlighted and in focus
  const evidence = rows.first().locator("td:nth-child(6) a").first();
  const excerpt = (await evidence.textContent()).replace(/…$/, "");
  await Promise.all([page.waitForURL(/\/documents\//), evidence.click()]);
  const focus = page.locator("mark.ev.focus");
  seen.document = {
    path: new URL(page.url()).pathname,
    excerpt,
    marks: await page.locator("article.doctext mark.ev").count(),
    focusMarks: await focus.count(),
    focusVisible: (await focus.count()) > 0 && await focus.first().isVisible(),
    focusText: (await focus.allTextContents()).join(""),
    focusBackground: (await focus.count()) > 0
      ? await focus.first().evaluate((el) => getComputedStyle(el).backgroundColor) : null,
    removed: await page.locator("ul.removed del").count(),
  };
  await shoot(page, "document");

  // 4. the dyad view and its chart
  await page.goto(base + "/dyad/RUS-USA");
  const chart = page.locator("svg.trend").first();
  seen.dyad = {
    heading: await page.locator("h1").textContent(),
    charts: await page.locator("svg.trend").count(),
    width: (await chart.boundingBox())?.width ?? 0,
    bars: await chart.locator("rect.q1, rect.q2, rect.q3, rect.q4").count(),
    points: await chart.locator("circle.goldstein").count(),
    firstPointTitle: await chart.locator("circle.goldstein title").first().textContent(),
    monthLinks: await chart.locator("a.month").count(),
    incidents: await page.locator("ol.timeline li").count(),
  };
  await shoot(page, "dyad");

  // 5. ingest through the form, as a reader pastes a page: it lands on the new document
  await page.goto(base + "/ingest");
  await page.fill("#f-text", "Russian Foreign Minister Sergey Lavrov met US Secretary of State Antony Blinken in "
    + "Reykjavik on Wednesday <script>window.__pwned='pasted'</script>, the ministry said.\n"
    + "\"We had a useful talk <img src=x onerror=\"window.__pwned='pasted img'\">,\" Lavrov told reporters.");
  await page.fill("#f-title", "Pasted <script>document.title='pwned'</script> talks");
  await page.fill("#f-published", "2021-05-20");
  await Promise.all([page.waitForURL(/\/documents\/[0-9a-f]+$/, { timeout: 60000 }),
                     page.locator("form.ingest button[type=submit]").click()]);
  seen.ingested = {
    path: new URL(page.url()).pathname,
    heading: await page.locator("h1").textContent(),
    marks: await page.locator("article.doctext mark.ev").count(),
  };

  // 6. the payloads: shown as text on every page that carries them, run on none
  seen.payloadPages = [];
  for (const path of [`/documents/${payloadDoc}`, seen.ingested.path, "/events?q=ministry", "/incidents",
                      "/documents", "/actors/sergey-lavrov", "/"]) {
    await page.goto(base + path, { waitUntil: "load" });
    // every link, HTML or SVG, by the scheme the browser would follow; click any that would run script
    const jsLinks = await page.$$eval("a[href]", (as) => as
      .filter((a) => !/^https?:$/.test(new URL(a.getAttribute("href"), location.href).protocol))
      .map((a) => a.getAttribute("href")));
    await page.$$eval("a[href]", (as) => as
      .filter((a) => new URL(a.getAttribute("href"), location.href).protocol === "javascript:")
      .forEach((a) => a.dispatchEvent(new MouseEvent("click", { bubbles: true }))));
    await page.waitForTimeout(100);
    seen.payloadPages.push(await page.evaluate((p) => ({
      path: p,
      pwned: window.__pwned === undefined ? null : String(window.__pwned),
      title: document.title,
      scripts: [...document.scripts].map((s) => s.getAttribute("src")),
      live: [...document.querySelectorAll("img, iframe, object, embed, main svg:not(.trend)")]
        .map((el) => el.tagName.toLowerCase()),
      handlers: [...document.querySelectorAll("*")].flatMap((el) => [...el.attributes]
        .filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName.toLowerCase()}[${a.name}]`)),
      text: document.body.innerText,
    }), path));
    seen.payloadPages.at(-1).jsLinks = jsLinks;
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
