import { test, expect } from '@playwright/test';
import { expectNoAxeViolations, hydrated, registerAndSignIn, useLanguage } from './helpers';

// Demo accounts, whose demo reads the server loads at its start (ZIP 97501).
const journeys = [
  {
    lang: 'en', js: true, number: '12345678-1234567',
    title: 'Water Use', previous: '← Previous period', addsUp: "These days add up to your bill's usage",
    byHour: 'By hour', byMonth: 'By month', table: 'Water use', hcf: 'HCF (hundred cubic feet: 748 gallons)',
    change: 'Change unit', download: 'Download these numbers (CSV)', hourHeader: 'Hour',
    greenButton: 'Download My Data (Green Button)',
  },
  {
    lang: 'es', js: false, number: '00345678-0034567',
    title: 'Consumo de agua', previous: '← Período anterior', addsUp: 'Estos días suman el consumo de su factura',
    byHour: 'Por hora', byMonth: 'Por mes', table: 'Consumo de agua', hcf: 'HCF (cien pies cúbicos: 748 galones)',
    change: 'Cambiar la unidad', download: 'Descargar estos números (CSV)', hourHeader: 'Hora',
    greenButton: 'Descargar mis datos (Green Button)',
  },
] as const;

for (const j of journeys) {
  test(`Water Use: the chart, its table, the bill check and the download (${j.lang}, ${j.js ? 'with' : 'without'} JavaScript)`, async ({ browser, baseURL }) => {
    test.setTimeout(60_000);
    const context = await browser.newContext({ javaScriptEnabled: j.js, baseURL });
    await useLanguage(context, baseURL!, j.lang);
    const page = await context.newPage();
    await registerAndSignIn(page, j.lang, j.number, `usage-${j.lang}-${Date.now()}@example.com`);

    // From the Billing menu.
    await page.locator('details.nav-dropdown summary').click();
    await page.getByRole('link', { name: j.title, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: j.title })).toBeVisible();
    const chart = page.getByRole('img').filter({ has: page.locator('title') });
    await expect(chart).toHaveCount(1);
    await expect(page.getByRole('table', { name: new RegExp(j.table) })).toBeVisible();
    if (j.js) {
      await hydrated(page);
      await expectNoAxeViolations(page, `Water Use (${j.lang})`);
    }

    // The billed period before: its days add up to the bill.
    await page.getByRole('link', { name: j.previous }).click();
    await expect(page.getByText(j.addsUp)).toBeVisible();

    // By keyboard to the hourly chart: 24 rows and a header.
    await page.getByRole('link', { name: j.byHour }).focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/scale=hour/);
    const table = page.getByRole('table', { name: new RegExp(j.table) });
    await expect(table.getByRole('row')).toHaveCount(25);
    await expect(table.getByRole('columnheader', { name: j.hourHeader })).toBeVisible();

    // HCF, kept for the next page.
    await page.getByLabel(j.hcf).check();
    await page.getByRole('button', { name: j.change }).click();
    await expect(page).toHaveURL(/scale=hour/);
    await page.getByRole('link', { name: j.byMonth }).click();
    await expect(page.getByRole('table', { name: new RegExp(j.table) })).toContainText('HCF');
    if (j.js) {
      await hydrated(page);
      await expectNoAxeViolations(page, `Water Use by month in HCF (${j.lang})`);
    }

    // The download: the shown chart's numbers.
    const href = await page.getByRole('link', { name: j.download }).getAttribute('href');
    expect(href).toMatch(/^\/billing\/water-use\.csv\?/);
    const csv = await page.request.get(href!);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect((await csv.text()).trim().split('\n')).toHaveLength(25);
    const greenButton = await page.getByRole('link', { name: j.greenButton }).getAttribute('href');
    const xml = await page.request.get(greenButton!);
    expect(xml.headers()['content-type']).toBe('application/atom+xml');
    expect(await xml.text()).toContain('<espi:uom>128</espi:uom>');
    await context.close();
  });
}
