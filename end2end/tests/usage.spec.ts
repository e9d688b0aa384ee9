import { test, expect, Page } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { serverBin, serverEnv } from '../playwright.config';
import { expectNoAxeViolations, hydrated, registerAndSignIn, useLanguage } from './helpers';

/** A leaking meter on Alex's second account (7654321): 4 gallons every hour of the last three
 * days read (up to yesterday, still running), imported as the utility would (`server import reads`, which runs
 * the alerts). Then the alert on the overview and on Water Use, what to check, dismissing it. */
async function leakAlert(page: Page) {
  let csv = 'account_number,meter_id,read_at,gallons,interval_minutes\n';
  for (const n of [3, 2, 1]) {
    const day = new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    for (let h = 0; h < 24; h++) csv += `7654321,MTR-LEAK,${day}T${String(h).padStart(2, '0')}:00:00-08:00,4,60\n`;
  }
  const file = path.join(os.tmpdir(), `leak-${Date.now()}.csv`);
  fs.writeFileSync(file, csv);
  const said = execFileSync(serverBin, ['import', 'reads', file], { env: { ...process.env, ...serverEnv } }).toString();
  expect(said).toContain('Alerts: 1 started, 0 resolved');

  await page.goto('/account');
  await expect(page.getByText('Water-use alert on this account: water may be leaking.')).toBeVisible();
  await hydrated(page);
  await expectNoAxeViolations(page, 'the overview with a leak alert');
  await page.getByRole('link', { name: 'See it on Water Use' }).click();
  const banner = page.getByRole('status', { name: 'Water-use alert' });
  await expect(banner).toContainText('Water has been running every hour for two days since');
  await hydrated(page);
  await expectNoAxeViolations(page, 'Water Use with a leak alert');

  await banner.getByRole('link', { name: 'What to check' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'What to check for a leak' })).toBeVisible();
  await hydrated(page);
  await expectNoAxeViolations(page, 'what to check for a leak');
  await page.goBack();
  await page.getByRole('button', { name: 'Dismiss this alert' }).click();
  await expect(page.getByRole('status', { name: 'Water-use alert' })).toHaveCount(0);
  await page.goto('/account');
  await expect(page.getByText('Water-use alert on this account')).toHaveCount(0);
}

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

    if (j.lang === 'en') await leakAlert(page);
    await page.locator('details.nav-dropdown summary').click();
    await page.getByRole('link', { name: j.title, exact: true }).click();

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
