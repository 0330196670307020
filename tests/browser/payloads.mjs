// Opens HTML pages in headless Chromium and reports, as one JSON line per page, whether any injected payload ran.
// usage: node payloads.mjs PAGE_HTML...
//
// A payload proves it ran by calling __pwned.push(CODE) (or by changing document.title). The page gets a
// recording __pwned before any of its own script runs. Every javascript: link is clicked, as a reader might.
// The report also lists the headings, the link targets and the elements that can run script, so a test can
// tell a fake heading or a live tag from text.
import { chromium } from "playwright-core";

const pages = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update"],
});
try {
  const context = await browser.newContext({ javaScriptEnabled: true });
  await context.addInitScript(() => {
    const seen = [];
    Object.defineProperty(window, "__pwned", { value: { push: (code) => seen.push(String(code)), seen } });
  });
  // A closed network: a payload that fetches or navigates away must not leave the machine.
  await context.route(/^(?!file:)/, (route) => route.abort());
  for (const path of pages) {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("dialog", (d) => { errors.push("dialog: " + d.message()); d.dismiss().catch(() => {}); });
    await page.goto("file://" + path, { waitUntil: "load" });
    // Click every link whose target would run script; a safe page has none.
    const scriptLinks = await page.$$eval("a[href]", (as) => as.filter((a) => !/^(https?|file):$/.test(a.protocol))
      .map((a) => a.getAttribute("href")));
    await page.$$eval("a[href]", (as) => as.filter((a) => a.protocol === "javascript:").forEach((a) => a.click()));
    await page.waitForTimeout(150);
    const seen = await page.evaluate(() => ({
      pwned: window.__pwned.seen,
      title: document.title,
      headings: [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].map((h) => ({ level: +h.tagName[1], text: h.textContent })),
      links: [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")),
      live: [...document.querySelectorAll("script,img,svg,iframe,object,embed,video,audio,form,input,details,math,style,link,meta,base")]
        .filter((el) => el.closest("[data-harness]") === null).map((el) => el.tagName.toLowerCase()),
      handlers: [...document.querySelectorAll("*")].flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name))
        .map((a) => `${el.tagName.toLowerCase()}[${a.name}]`)),
      text: document.body ? document.body.innerText : "",
    }));
    seen.page = path;
    seen.scriptLinks = scriptLinks;
    seen.errors = errors;
    console.log(JSON.stringify(seen));
    await page.close();
  }
} finally {
  await browser.close();
}
