import { test, expect } from '@playwright/test';
import { expectNoAxeViolations, hydrated, registerAndSignIn } from './helpers';
import { labels } from './labels';

const w = labels.en;

test('an idle session warns two minutes before it ends; staying keeps it; then it ends', async ({ page }) => {
  test.setTimeout(90_000);
  // The page's timers run on a fake clock, so minutes pass in an instant.
  await page.clock.install();
  await registerAndSignIn(page, 'en', '61000013-6100013', `idle-${Date.now()}@example.com`);
  await hydrated(page);

  const warning = page.locator('.idle-warning');
  await expect(warning).toBeHidden();
  await page.clock.fastForward('28:30');
  await expect(warning).toBeVisible();
  await expect(warning).toContainText(w.idleWarning);
  await expect(warning).toContainText(w.sessionLimit);
  await expect(page.getByRole('button', { name: w.staySignedIn })).toBeFocused();
  await expectNoAxeViolations(page, 'idle warning');
  // Staying posts the form and comes back to the same page, whose timers start again
  // (the page is swapped in place: the header's session part is the new page's).
  await page.getByRole('button', { name: w.staySignedIn }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(warning).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await hydrated(page);

  await page.clock.fastForward('30:30');
  await expect(page).toHaveURL(/\/sign-in\?expired=1$/);
  await expect(page.getByText(w.signedOutIdle)).toBeVisible();
  await page.goto('/account');
  await expect(page).toHaveURL(/\/sign-in/);
});
