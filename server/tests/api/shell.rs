use crate::helpers::spawn_app;

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn the_home_page_is_rendered_on_the_server_with_a_nonce_csp() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let csp = header(&response, "content-security-policy").to_string();
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert!(!header(&response, "referrer-policy").is_empty());
    let html = response.text().await.unwrap();
    assert!(html.contains("Your water account, online"), "English text is in the HTML");
    assert!(html.contains("541-774-2430") && html.contains("customerservice@medfordwater.org"));
    assert!(html.contains("<html lang=\"en\""), "lang follows the locale");

    // Every inline script carries the nonce the policy names, and the policy allows nothing else.
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the CSP names a nonce");
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    // leptos_i18n leaves an empty `<script></script>`: browsers never run (or CSP-check) an
    // empty inline script, so only scripts with content or a src need the nonce.
    let scripts: Vec<&str> =
        html.split("<script").skip(1).filter(|s| !s.starts_with("></script>")).collect();
    assert!(!scripts.is_empty());
    for script in scripts {
        assert!(
            script.contains(&format!("nonce=\"{nonce}\"")),
            "script without the nonce: {script:.80}"
        );
    }
}

#[tokio::test]
async fn every_page_shows_customer_service_in_spanish_when_chosen() {
    let app = spawn_app().await;
    let response = app.get("/lang/es?next=/faq").await;
    assert_eq!(response.status(), 303);
    assert_eq!(header(&response, "location"), app::paths::FAQ);
    assert!(header(&response, "set-cookie").starts_with("lang=es"));
    let html = app.page(app::paths::FAQ).await;
    assert!(html.contains("<html lang=\"es\""));
    assert!(html.contains("Preguntas frecuentes"));
    assert!(html.contains("Facturación") && html.contains("Configuración de factura"));
    assert!(html.contains("541-774-2430"));
}

#[tokio::test]
async fn accept_language_picks_spanish_without_a_cookie() {
    let app = spawn_app().await;
    let html = app.page_in("/", "es-MX,es;q=0.9").await;
    assert!(html.contains("Su cuenta de agua, en línea"));
}

#[tokio::test]
async fn the_language_switch_never_redirects_off_site() {
    let app = spawn_app().await;
    // Percent-encoded in the query, as a crafted link carries them: `%09` is a tab, which a
    // browser strips from `/\t/evil.example`, leaving `//evil.example`.
    let bypasses = [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D/evil.example",
        "%09//evil.example",
        "%20//evil.example",
        "%5C%5Cevil.example",
        "%5C/evil.example",
        "/%5C/evil",
        "//evil.example@portal.test",
        "http:/evil.example",
        "javascript:alert(1)",
        "/%00/evil.example",
    ];
    for next in bypasses {
        let response = app.get(&format!("/lang/en?next={next}")).await;
        assert_eq!(
            (response.status().as_u16(), header(&response, "location")),
            (303, "/"),
            "{next}"
        );
    }
    // Still a path on the portal once decoded: kept.
    let response = app.get("/lang/en?next=/faq%3Fx%3D1").await;
    assert_eq!(header(&response, "location"), format!("{}?x=1", app::paths::FAQ));
    let response = app.get("/lang/en?next=/%252F/evil.example").await;
    assert_eq!(
        header(&response, "location"),
        "/%2F/evil.example",
        "a percent-encoded slash is a path on the portal"
    );
    assert_eq!(app.get("/lang/xx").await.status(), 404);
}

#[tokio::test]
async fn an_unknown_page_is_a_404_page_without_internals() {
    let app = spawn_app().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("Page not found"));
    assert!(html.contains("541-774-2430"), "the footer is there too");
    let unknown_section = app.get("/billing/settings/nope").await;
    assert_eq!(unknown_section.status(), 404);
}

#[tokio::test]
async fn bill_settings_sections_have_their_own_urls() {
    let app = spawn_app().await;
    let html = app.page(app::paths::WALLET).await;
    assert!(html.contains("aria-current=\"page\""));
    let current = html.split("aria-current=\"page\"").nth(1).unwrap_or("");
    assert!(current.trim_start_matches(|c| c != '>').starts_with(">My Wallet"), "{current:.60}");
}

#[tokio::test]
async fn pages_are_compressed() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}{}", app.base, app::paths::FAQ))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&response, "content-encoding"), "br");
}

#[tokio::test]
async fn server_function_responses_carry_the_security_headers() {
    let app = spawn_app().await;
    let response =
        app.client.post(format!("{}/api/no_such_function", app.base)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404, "an unknown server function is simply not found");
    assert!(header(&response, "content-security-policy").contains("default-src 'self'"));
    assert_eq!(header(&response, "x-frame-options"), "DENY");
    let body = response.text().await.unwrap();
    assert!(
        !body.contains("server function") && !body.contains("register"),
        "no internals: {body}"
    );
    let spanish = app
        .client
        .post(format!("{}/api/no_such_function", app.base))
        .header("accept", "text/html")
        .header("accept-language", "es")
        .send()
        .await
        .unwrap();
    assert_eq!(spanish.status().as_u16(), 404);
    let page = spanish.text().await.unwrap();
    assert!(page.contains("El portal no tiene esa página"), "in the asker's language: {page}");
    // A known one still works, and carries the same headers.
    let known = app.client.post(format!("{}/api/current_user", app.base)).send().await.unwrap();
    assert_eq!(known.status().as_u16(), 200);
    assert_eq!(header(&known, "x-frame-options"), "DENY");
}

/// The headers every answer needs, whatever it is.
fn assert_secure_headers(what: &str, response: &reqwest::Response) {
    let csp = header(response, "content-security-policy");
    for part in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{what}: CSP without {part}: {csp}");
    }
    assert!(
        !csp.contains("'unsafe-inline'") && !csp.contains("'unsafe-eval'") && !csp.contains('*'),
        "{what}: CSP too loose: {csp}"
    );
    assert_eq!(header(response, "x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header(response, "x-frame-options"), "DENY", "{what}");
    assert_eq!(header(response, "referrer-policy"), "strict-origin-when-cross-origin", "{what}");
    assert_eq!(header(response, "cross-origin-opener-policy"), "same-origin", "{what}");
    assert_eq!(header(response, "cross-origin-resource-policy"), "same-origin", "{what}");
    assert!(header(response, "permissions-policy").contains("camera=()"), "{what}");
    for cookie in response.headers().get_all("set-cookie").iter().filter_map(|c| c.to_str().ok()) {
        assert!(cookie.contains("SameSite=Lax"), "{what}: cookie without SameSite: {cookie}");
        if cookie.starts_with("aqueduct_session=") {
            assert!(
                cookie.contains("HttpOnly"),
                "{what}: session cookie readable by scripts: {cookie}"
            );
        }
    }
}

/// Every page of the router (signed in, so they show a customer's data), the server
/// functions, the language switch, a missing file and an unknown address.
#[tokio::test]
async fn every_route_carries_the_security_headers_and_personal_answers_are_never_cached() {
    let app = spawn_app().await;
    app.signed_in_with_autopay().await;
    // A bill of the signed-in customer (Alex).
    let (bill_id,): (i64,) = sqlx::query_as(
        "SELECT MIN(b.id) FROM bills b JOIN accounts a ON a.id = b.account_id \
         WHERE a.account_number = '1234567'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    // A payment of Alex's, as AutoPay records one, for its receipt.
    let (payment_id,): (i64,) = sqlx::query_as(
        "INSERT INTO payments (bill_id, account_id, payment_method_id, amount_cents, draft_date, \
         status, created_at, updated_at) SELECT $1, b.account_id, m.id, 1234, '2026-11-20', \
         'submitted', 0, 0 FROM bills b JOIN accounts a ON a.id = b.account_id \
         JOIN payment_methods m ON m.customer_id = a.customer_id WHERE b.id = $1 \
         AND m.id = (SELECT MIN(id) FROM payment_methods WHERE customer_id = a.customer_id) \
         RETURNING id",
    )
    .bind(bill_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let mut paths: Vec<String> = Vec::new();
    for path in server::page_paths() {
        if path.contains("{section}") {
            paths.extend(["autopay", "delivery", "wallet"].map(|s| path.replace("{section}", s)));
        } else if path.contains("{bill_id}") {
            paths.push(path.replace("{bill_id}", &bill_id.to_string()));
        } else if path.contains("{payment_id}") {
            paths.push(path.replace("{payment_id}", &payment_id.to_string()));
        } else if path.contains("{id}") {
            // A customer's page in the back office (staff only: this visitor is told so).
            paths.push(path.replace("{id}", "1"));
        } else {
            assert!(
                !path.contains('{') && !path.contains(':') && !path.contains('*'),
                "a new parameter in {path}: give this test its values"
            );
            paths.push(path);
        }
    }
    assert!(paths.len() >= 17, "{paths:?}");
    for path in &paths {
        let response = app.get(path).await;
        assert!(
            response.status().is_success() || response.status().is_redirection(),
            "{path}: {}",
            response.status()
        );
        assert_secure_headers(path, &response);
        let csp = header(&response, "content-security-policy");
        if response.status().is_success() {
            assert!(csp.contains("'nonce-"), "{path}: a page's scripts run by nonce only: {csp}");
            assert_eq!(header(&response, "cache-control"), "no-store", "{path}");
        }
    }
    let csv = app.get(app::paths::PAYMENT_HISTORY_CSV).await;
    assert_eq!(csv.status().as_u16(), 200);
    assert_secure_headers("payments csv", &csv);
    assert_eq!(header(&csv, "cache-control"), "no-store", "payments are personal");
    let function = app.client.post(format!("{}/api/get_overview", app.base)).send().await.unwrap();
    assert_eq!(function.status().as_u16(), 200);
    assert_secure_headers("get_overview", &function);
    assert_eq!(
        header(&function, "cache-control"),
        "no-store",
        "a server function's answer holds personal data"
    );
    assert!(header(&function, "content-security-policy").contains("script-src 'self'"));
    for (what, response) in [
        (
            "unknown server function",
            app.client.post(format!("{}/api/nothing_here", app.base)).send().await.unwrap(),
        ),
        ("language switch", app.get("/lang/es?next=/faq").await),
        ("missing file", app.get("/pkg/missing.css").await),
        ("unknown page", app.get("/no/such/page").await),
    ] {
        assert!(!response.status().is_server_error(), "{what}");
        assert_secure_headers(what, &response);
    }
}

/// Served over HTTPS: cookies only travel encrypted, and browsers are told to stay on HTTPS.
/// The session cookie carries the `__Host-` prefix, so a browser keeps it only Secure, for
/// this host alone (no Domain) and every path: nothing else can plant or overwrite it.
#[tokio::test]
async fn over_https_cookies_are_secure_and_hsts_is_sent() {
    let app = crate::helpers::spawn_app_with(app::platform::Config {
        public_base_url: "https://portal.test".into(),
        ..crate::helpers::test_config()
    })
    .await;
    let response = app.get("/lang/es?next=/").await;
    assert!(
        header(&response, "set-cookie").contains("; Secure"),
        "{}",
        header(&response, "set-cookie")
    );
    assert!(header(&response, "strict-transport-security").starts_with("max-age="));
    crate::helpers::with_demo(&app.db).await;
    let found = app
        .post_form("find_account", "/register", &[("number", "12345678-1234567"), ("zip", "97501")])
        .await;
    let session = found
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with("__Host-aqueduct_session="));
    let session = session.expect("finding the account starts a session");
    assert!(
        session.contains("; Secure")
            && session.contains("HttpOnly")
            && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(session.contains("Path=/") && !session.contains("Domain"), "{session}");
    let plain = spawn_app().await.get("/").await;
    assert!(
        plain.headers().get("strict-transport-security").is_none(),
        "not on a plain HTTP address"
    );
}

#[tokio::test]
async fn the_language_switch_keeps_the_query_of_the_page_it_returns_to() {
    let app = spawn_app().await;
    let page = format!("{}?password_changed=1", app::paths::SIGN_IN);
    let html = app.page(&page).await;
    let next = "next=/sign-in%3Fpassword_changed%3D1";
    assert!(html.contains(&format!("/lang/es?{next}")), "{html}");
    let response = app.get(&format!("/lang/es?{next}")).await;
    assert_eq!(header(&response, "location"), page);
}
