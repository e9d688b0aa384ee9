import { test, expect } from '@playwright/test';
import { expectNoAxeViolations, hydrated, registerAndSignIn, useLanguage } from './helpers';

// An account's water-use alert choices, reached from Water Use: a problem named at its
// field in the customer's language, then a softener, a text number with consent and a
// burst alert by text saved. English with JavaScript (and axe), Spanish without.
const journeys = [
  {
    lang: 'en', js: true, number: '61000080-6100080',
    waterUse: 'Water Use', link: /^Alert choices/, title: 'Water-use alerts',
    declared: 'Normal continuous use, in gallons an hour (optional)', tooHigh: 'at most 20 gallons an hour',
    burst: /^Burst/, byText: 'By text message', phone: 'Mobile number for texts',
    consent: /^I agree to get water-use alerts by text message/, save: 'Save alert choices',
    saved: 'Your alert choices are saved.', agreed: 'You agreed to get texts at this number.',
  },
  {
    lang: 'es', js: false, number: '61000081-6100081',
    waterUse: 'Consumo de agua', link: /^Preferencias de alertas/, title: 'Alertas de consumo de agua',
    declared: 'Consumo continuo normal, en galones por hora (opcional)', tooHigh: 'como máximo 20 galones por hora',
    burst: /^Ruptura/, byText: 'Por mensaje de texto', phone: 'Número de celular para mensajes',
    consent: /^Acepto recibir alertas de consumo de agua/, save: 'Guardar preferencias de alertas',
    saved: 'Sus preferencias de alertas se guardaron.', agreed: 'Usted aceptó recibir mensajes en este número.',
  },
] as const;

for (const j of journeys) {
  test(`alert choices: a problem at its field, then saved (${j.lang}, ${j.js ? 'with' : 'without'} JavaScript)`, async ({ browser, baseURL }) => {
    const context = await browser.newContext({ javaScriptEnabled: j.js, baseURL });
    await useLanguage(context, baseURL!, j.lang);
    const page = await context.newPage();
    await registerAndSignIn(page, j.lang, j.number, `alerts-${j.lang}-${Date.now()}@example.com`);

    await page.locator('details.nav-dropdown summary').click();
    await page.getByRole('link', { name: j.waterUse, exact: true }).click();
    await page.getByRole('link', { name: j.link }).click();
    await expect(page.getByRole('heading', { level: 1, name: j.title })).toBeVisible();
    if (j.js) {
      await hydrated(page);
      await expectNoAxeViolations(page, `alert choices (${j.lang})`);
    }

    await page.getByLabel(j.declared).fill('25');
    await page.getByRole('button', { name: j.save }).click();
    await expect(page.getByRole('alert').filter({ hasText: j.tooHigh })).toBeVisible();
    await expect(page.getByLabel(j.declared)).toHaveAttribute('aria-invalid', 'true');
    if (j.js) await expectNoAxeViolations(page, `alert choices with a problem (${j.lang})`);

    await page.getByLabel(j.declared).fill('1.5');
    const burst = page.getByRole('group', { name: j.burst });
    await burst.getByLabel(j.byText).check();
    await page.getByLabel(j.phone).fill('(541) 774-2430');
    await page.getByLabel(j.consent).check();
    await page.getByRole('button', { name: j.save }).click();
    await expect(page.getByRole('status').filter({ hasText: j.saved })).toBeVisible();
    await expect(page.getByLabel(j.declared)).toHaveValue('1.50');
    await expect(burst.getByLabel(j.byText)).toBeChecked();
    // Agreed once for this number: said, and never ticked for the customer.
    await expect(page.getByText(j.agreed)).toBeVisible();
    await expect(page.getByLabel(j.consent)).not.toBeChecked();
    await context.close();
  });
}
