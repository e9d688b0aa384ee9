import { test, expect, Page } from '@playwright/test';
import { expectNoAxeViolations, hydrated, mailTo, registerAndSignIn, useLanguage } from './helpers';

const words = {
  en: {
    billing: 'Billing', billSettings: 'Bill Settings', autopay: 'AutoPay', enroll: 'Enroll in AutoPay',
    heading: 'CREATE NEW AUTO PAY > WATER PAYMENT # ', changeHeading: 'CHANGE AUTO PAY > WATER PAYMENT # ',
    paymentMethod: 'Payment Method', myWallet: 'My Wallet', addNew: 'Add New', problem: 'There is a problem',
    methodMissing: 'Choose a payment method from My Wallet, or add a new one.',
    kindEcheck: 'E-Check', checking: 'Checking', routing: 'Routing Number', account: 'Account Number', again: 'Re-Enter Account Number',
    bank: 'Bank Name', holder: 'Name on Account', add: 'Add', method: 'Checking *****6789',
    daysBefore: 'Days before the due date', daysLabel: 'Number of days before the due date', fixed: 'A fixed amount',
    fixedLabel: 'Fixed amount (dollars)', continue: 'Continue', create: 'Create AutoPay', authorize: 'I authorize',
    firstBill: 'Due 2030-01-15 ($45.00)', done: 'AutoPay created', print: 'Print', backToSettings: 'Back to AutoPay settings',
    enrolled: 'Enrolled', change: 'Change AutoPay', cancel: 'Cancel AutoPay', cancelYes: 'Yes, cancel AutoPay',
    cancelled: 'AutoPay was cancelled.', notEnrolled: 'Not enrolled', rule3: '3 days before its due date', rule40: '$40.00 of each bill',
    subjects: ['You are enrolled in AutoPay', 'Your AutoPay was changed', 'Your AutoPay was cancelled'],
  },
  es: {
    billing: 'Facturación', billSettings: 'Configuración de factura', autopay: 'Pago automático', enroll: 'Inscribirse en AutoPago',
    heading: 'CREAR NUEVO PAGO AUTOMÁTICO > PAGO DE AGUA # ', changeHeading: 'CAMBIAR PAGO AUTOMÁTICO > PAGO DE AGUA # ',
    paymentMethod: 'Método de pago', myWallet: 'Mi billetera', addNew: 'Agregar nuevo', problem: 'Hay un problema',
    methodMissing: 'Elija un método de pago de Mi billetera o agregue uno nuevo.',
    kindEcheck: 'Cheque electrónico', checking: 'Corriente', routing: 'Número de ruta', account: 'Número de cuenta',
    again: 'Vuelva a ingresar el número de cuenta', bank: 'Nombre del banco', holder: 'Nombre en la cuenta', add: 'Agregar',
    method: 'Corriente *****6789',
    daysBefore: 'Días antes de la fecha de vencimiento', daysLabel: 'Número de días antes de la fecha de vencimiento', fixed: 'Un monto fijo',
    fixedLabel: 'Monto fijo (dólares)', continue: 'Continuar', create: 'Crear pago automático', authorize: 'Autorizo',
    firstBill: 'Vence 2030-01-15 ($45.00)', done: 'Pago automático creado', print: 'Imprimir',
    backToSettings: 'Volver a la configuración del pago automático',
    enrolled: 'Inscrito', change: 'Cambiar pago automático', cancel: 'Cancelar pago automático', cancelYes: 'Sí, cancelar pago automático',
    cancelled: 'El pago automático fue cancelado.', notEnrolled: 'No inscrito', rule3: '3 días antes de su fecha de vencimiento',
    rule40: '$40.00 de cada factura',
    subjects: ['Está inscrito en el pago automático', 'Su pago automático fue cambiado', 'Su pago automático fue cancelado'],
  },
};

/** Fills the add-payment form for a checking account and presses Add. */
async function addBankAccount(page: Page, w: (typeof words)['en'] | (typeof words)['es'], holder: string) {
  await page.getByLabel(w.kindEcheck).check();
  await page.getByLabel(w.checking).check();
  await page.getByLabel(w.routing).fill('021000021');
  await page.getByLabel(w.account, { exact: true }).fill('000123456789');
  await page.getByLabel(w.again).fill('000123456789');
  await page.getByLabel(w.bank).fill('JPMORGAN CHASE BANK, NA');
  await page.getByLabel(w.holder).fill(holder);
  await page.getByRole('button', { name: w.add, exact: true }).click();
}

for (const lang of ['en', 'es'] as const) {
  test(`AutoPay: enroll with a new method, print, change, cancel (${lang})`, async ({ browser, baseURL }) => {
    test.setTimeout(150_000);
    const context = await browser.newContext({ baseURL });
    await useLanguage(context, baseURL!, lang);
    const page = await context.newPage();
    const w = words[lang];
    const number = lang === 'en' ? '61000018-6100018' : '61000019-6100019';
    const email = `autopay-${lang}-${Date.now()}@example.com`;
    await registerAndSignIn(page, lang, number, email);

    // Billing → Bill Settings → AutoPay → Enroll in AutoPay.
    await hydrated(page);
    await page.getByText(w.billing, { exact: true }).click();
    await page.locator('header nav').getByRole('link', { name: w.billSettings }).click();
    await page.locator('.side-menu').getByRole('link', { name: w.autopay }).click();
    await expect(page).toHaveURL(/\/billing\/settings\/autopay$/);
    await expect(page.getByText(w.notEnrolled)).toBeVisible();
    await page.getByRole('link', { name: w.enroll }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(w.heading + number);
    await expect(page.getByRole('heading', { name: w.paymentMethod })).toBeVisible();
    await expect(page.getByRole('heading', { name: w.myWallet })).toBeVisible();
    await hydrated(page);
    await expectNoAxeViolations(page, `enroll in AutoPay (${lang})`);

    // Continue with no method: the summary names it.
    await page.getByRole('button', { name: w.continue }).click();
    await expect(page.getByRole('heading', { name: w.problem })).toBeVisible();
    await expect(page.getByRole('link', { name: w.methodMissing })).toBeVisible();
    await expectNoAxeViolations(page, `enroll in AutoPay, errors (${lang})`);

    // Add New: the add form, then back with the new method chosen.
    await page.getByRole('link', { name: w.addNew }).click();
    await expect(page).toHaveURL(/\/billing\/settings\/wallet\/add\?autopay=\d+$/);
    await hydrated(page);
    await addBankAccount(page, w, 'Pat AutoPay');
    await expect(page).toHaveURL(/\/billing\/autopay\/enroll\?account=\d+&method=\d+$/);
    await expect(page.getByLabel(w.method)).toBeChecked();

    // Three days before the due date → review.
    await hydrated(page);
    await page.getByRole('radio', { name: w.daysBefore }).check();
    await page.getByLabel(w.daysLabel).selectOption('3');
    await page.getByRole('button', { name: w.continue }).click();
    await expect(page).toHaveURL(/\/billing\/autopay\/review\?/);
    await expect(page.locator('.facts')).toContainText(w.method);
    await expect(page.locator('.facts')).toContainText(w.rule3);
    await expect(page.locator('.facts')).toContainText(w.firstBill);
    await expect(page.locator('.authorization')).toContainText(w.authorize);
    await hydrated(page);
    await expectNoAxeViolations(page, `review AutoPay (${lang})`);

    // Create AutoPay (pressed twice quickly): one enrollment, its confirmation.
    const create = page.getByRole('button', { name: w.create });
    await create.dblclick();
    await expect(page).toHaveURL(/\/billing\/autopay\/done\?ref=AP-[A-Z0-9]+$/);
    await expect(page.getByRole('heading', { level: 1, name: w.done })).toBeVisible();
    const reference = (await page.locator('dd.reference').textContent())!.trim();
    expect(reference).toMatch(/^AP-[A-Z0-9]{10}$/);
    await hydrated(page);
    await expectNoAxeViolations(page, `AutoPay created (${lang})`);

    // The printed page: the facts only, no navigation or buttons.
    await expect(page.getByRole('button', { name: w.print })).toBeVisible();
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('header')).toBeHidden();
    await expect(page.locator('footer')).toBeHidden();
    await expect(page.getByRole('button', { name: w.print })).toBeHidden();
    await expect(page.locator('dd.reference')).toBeVisible();
    await expect(page.locator('.authorization')).toBeVisible();
    await page.emulateMedia({ media: 'screen' });

    // Bill Settings shows it; Change → a fixed amount.
    await page.getByRole('link', { name: w.backToSettings }).click();
    await expect(page.locator('.autopay-account')).toContainText(w.enrolled);
    await expect(page.locator('.autopay-account')).toContainText(reference);
    await expect(page.locator('.autopay-account')).toContainText(w.method);
    await page.getByRole('link', { name: w.change }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(w.changeHeading + number);
    await expect(page.getByLabel(w.method)).toBeChecked();
    await expect(page.getByRole('radio', { name: w.daysBefore })).toBeChecked();
    await hydrated(page);
    await page.getByRole('radio', { name: w.fixed }).check();
    await page.getByLabel(w.fixedLabel).fill('40');
    await page.getByRole('button', { name: w.continue }).click();
    await expect(page.locator('.facts')).toContainText(w.rule40);
    await hydrated(page);
    await page.getByRole('button', { name: w.create }).click();
    await expect(page).toHaveURL(/\/billing\/autopay\/done\?ref=AP-/);
    const changed = (await page.locator('dd.reference').textContent())!.trim();
    expect(changed).not.toEqual(reference);

    // Cancel, confirmed.
    await page.getByRole('link', { name: w.backToSettings }).click();
    await expect(page.locator('.autopay-account')).toContainText(w.rule40);
    await hydrated(page);
    await page.getByText(w.cancel, { exact: true }).click();
    await page.getByRole('button', { name: w.cancelYes }).click();
    await expect(page.getByText(w.cancelled)).toBeVisible();
    await expect(page.locator('.autopay-account')).toContainText(w.notEnrolled);
    await expectNoAxeViolations(page, `AutoPay cancelled (${lang})`);

    // Each step was confirmed by email, in the customer's language.
    const mail = await mailTo(email, 3);
    for (const subject of w.subjects) {
      expect(mail.some((m) => m.subject.startsWith(subject)), `${subject} in ${mail.map((m) => m.subject)}`).toBeTruthy();
    }
    expect(mail.filter((m) => m.subject.startsWith(w.subjects[0])).length, 'one enrollment email for a double click').toBe(1);
    await context.close();
  });
}

test('AutoPay enrolls without JavaScript', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  const w = words.en;
  const email = `autopay-nojs-${Date.now()}@example.com`;
  // Registration works without JavaScript too (registration.spec.ts); here the account is set up the same way.
  await registerAndSignIn(page, 'en', '61000020-6100020', email);
  await page.goto('/billing/settings/autopay');
  await page.getByRole('link', { name: w.enroll }).click();
  await page.getByRole('link', { name: w.addNew }).click();
  await addBankAccount(page, w, 'Pat NoScript');
  await expect(page.getByLabel(w.method)).toBeChecked();
  await page.getByRole('button', { name: w.continue }).click();
  await expect(page.locator('.authorization')).toContainText(w.authorize);
  await page.getByRole('button', { name: w.create }).click();
  await expect(page).toHaveURL(/\/billing\/autopay\/done\?ref=AP-/);
  await expect(page.getByRole('heading', { level: 1, name: w.done })).toBeVisible();
  await context.close();
});
