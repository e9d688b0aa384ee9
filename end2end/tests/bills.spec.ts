import { test, expect, Page } from '@playwright/test';
import { expectNoAxeViolations, hydrated, registerAndSignIn, useLanguage } from './helpers';
import { labels } from './labels';

// Fixture accounts with two bills each (2029-11-20 without a PDF, 2029-12-20 with one:
// fixtures/bill-documents.csv). Dates as each language writes them.
const journeys = [
  {
    lang: 'en', js: true, number: '61000022-6100022',
    november: 'November 20, 2029', december: 'December 20, 2029', month: 'November 2029',
    gallons: '2,900 gallons',
  },
  {
    lang: 'es', js: false, number: '61000023-6100023',
    november: '20 de noviembre de 2029', december: '20 de diciembre de 2029', month: 'noviembre de 2029',
    gallons: '2,900 galones',
  },
] as const;

async function axe(page: Page, js: boolean, label: string) {
  if (js) {
    await hydrated(page);
    await expectNoAxeViolations(page, label);
  }
}

for (const j of journeys) {
  test(`Bill History, the printable bill and the PDF (${j.lang}, ${j.js ? 'with' : 'without'} JavaScript)`, async ({ browser, baseURL }) => {
    test.setTimeout(60_000);
    const context = await browser.newContext({ javaScriptEnabled: j.js, baseURL });
    await useLanguage(context, baseURL!, j.lang);
    const page = await context.newPage();
    const w = labels[j.lang];
    await registerAndSignIn(page, j.lang, j.number, `bills-${j.lang}-${Date.now()}@example.com`);

    // From the overview, and from the Billing menu.
    await page.getByRole('link', { name: w.billHistoryLink }).click();
    await expect(page).toHaveURL(/\/billing\/bills$/);
    await page.locator('details.nav-dropdown summary').click();
    await expect(page.getByRole('link', { name: w.billHistory, exact: true })).toBeVisible();
    await page.getByRole('link', { name: w.billHistory, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.historyTitle })).toBeVisible();
    const table = page.getByRole('table', { name: `${w.billsCaption} ${j.number}` });
    await expect(table.getByRole('row')).toHaveCount(3);
    await expect(table.getByRole('row', { name: j.november })).toContainText(j.gallons);
    await axe(page, j.js, `Bill History (${j.lang})`);

    // The PDF: inline, never cached (asked with the page's cookies).
    const pdfLink = table.getByRole('row', { name: j.december }).getByRole('link', { name: w.viewBill });
    const pdfPath = await pdfLink.getAttribute('href');
    expect(pdfPath).toMatch(/^\/billing\/bills\/\d+\/pdf$/);
    const pdf = await page.request.get(pdfPath!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect(pdf.headers()['content-disposition']).toMatch(/^inline/);
    expect(pdf.headers()['cache-control']).toBe('no-store');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

    // A bill without a PDF is the printable HTML bill.
    await table.getByRole('row', { name: j.november }).getByRole('link', { name: w.viewBill }).click();
    await expect(page).toHaveURL(/\/billing\/bills\/\d+$/);
    await expect(page.getByRole('heading', { level: 1, name: `${w.billTitle} · ${j.month}` })).toBeVisible();
    await expect(page.getByText(j.number).first()).toBeVisible();
    await expect(page.getByRole('heading', { name: w.howToPay })).toBeVisible();
    await axe(page, j.js, `the printable bill (${j.lang})`);
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.site-header')).toBeHidden();
    await expect(page.getByText(w.printedOn)).toBeVisible();
    await expect(page.getByRole('link', { name: w.backToHistory })).toBeHidden();
    await page.emulateMedia({ media: 'screen' });
    await expect(page.getByText(w.printedOn)).toBeHidden();
    await context.close();
  });
}
