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
    let scripts: Vec<&str> = html.split("<script").skip(1).filter(|s| !s.starts_with("></script>")).collect();
    assert!(!scripts.is_empty());
    for script in scripts {
        assert!(script.contains(&format!("nonce=\"{nonce}\"")), "script without the nonce: {script:.80}");
    }
}

#[tokio::test]
async fn every_page_shows_customer_service_in_spanish_when_chosen() {
    let app = spawn_app().await;
    let response = app.get("/lang/es?next=/faq").await;
    assert_eq!(response.status(), 303);
    assert_eq!(header(&response, "location"), "/faq");
    assert!(header(&response, "set-cookie").starts_with("lang=es"));
    let html = app.get("/faq").await.text().await.unwrap();
    assert!(html.contains("<html lang=\"es\""));
    assert!(html.contains("Preguntas frecuentes"));
    assert!(html.contains("Facturación") && html.contains("Configuración de factura"));
    assert!(html.contains("541-774-2430"));
}

#[tokio::test]
async fn accept_language_picks_spanish_without_a_cookie() {
    let app = spawn_app().await;
    let html = app
        .client
        .get(format!("{}/", app.base))
        .header("accept-language", "es-MX,es;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Su cuenta de agua, en línea"));
}

#[tokio::test]
async fn the_language_switch_never_redirects_off_site() {
    let app = spawn_app().await;
    for next in ["//evil.example", "https://evil.example", "/\\evil.example"] {
        let response = app.get(&format!("/lang/en?next={next}")).await;
        assert_eq!(header(&response, "location"), "/", "{next}");
    }
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
    let html = app.get("/billing/settings/wallet").await.text().await.unwrap();
    assert!(html.contains("aria-current=\"page\""));
    let current = html.split("aria-current=\"page\"").nth(1).unwrap_or("");
    assert!(current.trim_start_matches(|c| c != '>').starts_with(">My Wallet"), "{current:.60}");
}

#[tokio::test]
async fn pages_are_compressed() {
    let app = spawn_app().await;
    let response = app.client.get(format!("{}/faq", app.base)).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(header(&response, "content-encoding"), "br");
}

#[tokio::test]
async fn server_function_responses_carry_the_security_headers() {
    let app = spawn_app().await;
    let response = app.client.post(format!("{}/api/no_such_function", app.base)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404, "an unknown server function is simply not found");
    assert!(header(&response, "content-security-policy").contains("default-src 'self'"));
    assert_eq!(header(&response, "x-frame-options"), "DENY");
    let body = response.text().await.unwrap();
    assert!(!body.contains("server function") && !body.contains("register"), "no internals: {body}");
    // A known one still works, and carries the same headers.
    let known = app.client.post(format!("{}/api/current_user", app.base)).send().await.unwrap();
    assert_eq!(known.status().as_u16(), 200);
    assert_eq!(header(&known, "x-frame-options"), "DENY");
}
