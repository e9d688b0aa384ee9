//! The back office's customer search at a million accounts (issue 18, Proof).
//!
//! `cargo bench -p server --features app/ssr --bench staff_search` seeds a fresh SQLite file
//! (or, when `TEST_DATABASE_URL` names a PostgreSQL server, a fresh database on it, dropped
//! at the end) with 1,000,000 customers, one account each: names with and without accents
//! (a few common surnames, many rare ones), 6,000 streets in 12 towns, 40% of customers with
//! a login, 20% of accounts billed by email. The rows are written the import's way (the
//! folded columns by `Folded`), several hundred per statement, a transaction per 100,000.
//! Then it runs `STAFF_SEARCH_BENCH_QUERIES` (300) searches of each kind, one after another,
//! as agents would type them from what callers read out, and prints p50, p99 and the
//! slowest per kind, with the average number of accounts a first page shows. Figures, not a
//! test; `STAFF_SEARCH_BENCH_ACCOUNTS` chooses the size.

use app::backoffice::search;
use app::domain::staff_search::{Folded, SearchQuery};
use app::platform::Db;
use std::time::{Duration, Instant};

mod common;
use common::{fresh_database, peak_mib};

const REAL_SURNAMES: &[&str] = &[
    "García",
    "Rodríguez",
    "Martínez",
    "Hernández",
    "López",
    "González",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Flores",
    "Rivera",
    "Gómez",
    "Díaz",
    "Cruz",
    "Morales",
    "Reyes",
    "Gutiérrez",
    "Ortiz",
    "Chávez",
    "Núñez",
    "Muñoz",
    "Jiménez",
    "Vásquez",
    "Castillo",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Martin",
    "Jackson",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Nguyen",
    "Chen",
    "Kim",
    "O'Brien",
    "Müller",
    "Søndergaard",
];
const SYLLABLES_A: &[&str] = &[
    "Al", "Bar", "Cal", "Dor", "El", "Fen", "Gar", "Hal", "Ib", "Jar", "Kel", "Lor", "Mar", "Nor",
    "Ol", "Par", "Quin", "Ros", "Sal", "Tor", "Ul", "Val", "Wes", "Yar", "Zan", "Bel", "Cor",
    "Dal", "Est", "Far", "Gil", "Hol", "Ker", "Lin", "Mor", "Ned", "Pem", "Ren",
];
const SYLLABLES_B: &[&str] = &[
    "bright", "ford", "wood", "ley", "ton", "by", "ham", "well", "stone", "field", "worth", "more",
    "dale", "wick", "mont", "ez", "ano", "ini", "ova", "sen", "berg", "holm", "quist", "rick",
    "vale",
];
const FIRST_NAMES: &[&str] = &[
    "Alex",
    "María",
    "José",
    "Ana",
    "Luis",
    "Sofía",
    "Andrés",
    "Lucía",
    "Jesús",
    "Ángel",
    "Chloé",
    "Zoë",
    "John",
    "Mary",
    "James",
    "Linda",
    "Robert",
    "Patricia",
    "Michael",
    "Jennifer",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Elena",
    "Wei",
    "Li",
    "Minh",
    "Thu",
    "Sam",
    "Taylor",
    "Jordan",
    "Morgan",
    "Daniel",
    "Emily",
    "Matthew",
    "Olivia",
    "Anthony",
    "Emma",
    "Mark",
    "Ava",
    "Paul",
    "Mia",
    "Kevin",
    "Grace",
    "Brian",
    "Chloe",
    "George",
    "Lily",
    "Edward",
    "Hannah",
    "Ronald",
    "Nora",
];
const STREETS_A: &[&str] = &[
    "Oak", "Pine", "Cedar", "Maple", "Elm", "Birch", "Willow", "Aspen", "Spruce", "Alder", "Pear",
    "Apple", "Cherry", "Plum", "Rogue", "River", "Lake", "Hill", "Valley", "Meadow", "Sunset",
    "Sunrise", "Table", "Rock", "Eagle", "Hawk", "Quail", "Deer", "Fox", "Bear", "Main", "Market",
    "Church", "Mill", "Bridge", "Spring", "Garden", "Park", "Forest", "Ridge",
];
const STREETS_B: &[&str] = &[
    "", "wood", "crest", "view", "dale", "brook", "field", "haven", "side", "gate", " Blossom",
    " Creek", " Point", " Hollow", " Grove", " Glen", " Run", " Bend", " Terrace", " Heights",
    "land", "mont", "shire", "stone", " Springs",
];
const STREET_TYPES: &[(&str, &str)] = &[
    ("St", "Street"),
    ("Ave", "Avenue"),
    ("Rd", "Road"),
    ("Ln", "Lane"),
    ("Dr", "Drive"),
    ("Way", "Way"),
];
const TOWNS: &[(&str, &str)] = &[
    ("Medford", "97501"),
    ("Ashland", "97520"),
    ("Central Point", "97502"),
    ("Talent", "97540"),
    ("Phoenix", "97535"),
    ("Jacksonville", "97530"),
    ("Eagle Point", "97524"),
    ("Grants Pass", "97526"),
    ("White City", "97503"),
    ("Rogue River", "97537"),
    ("Gold Hill", "97525"),
    ("Shady Cove", "97539"),
];

/// A well-mixed 64-bit value of `x` (SplitMix64): each row's data is a function of its
/// index, so that the searches can be written from rows chosen at random.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Customer `i` and their one account.
struct Row {
    customer_number: String,
    account_number: String,
    first: &'static str,
    last: String,
    house: u64,
    street: String,
    street_type: (&'static str, &'static str),
    town: (&'static str, &'static str),
    login: Option<String>,
    billed_to: Option<String>,
    /// Ten digits: area code 541, every customer their own number.
    phone: String,
}

fn row(i: usize) -> Row {
    let i = i as u64;
    let (r1, r2, r3, r4) = (mix(i * 4 + 1), mix(i * 4 + 2), mix(i * 4 + 3), mix(i * 4 + 4));
    // Three in ten customers have one of the fifty common surnames.
    let last = if r1 % 10 < 3 {
        REAL_SURNAMES[(r1 / 10) as usize % REAL_SURNAMES.len()].to_string()
    } else {
        let k = (r1 / 10) as usize;
        let a = SYLLABLES_A[k % SYLLABLES_A.len()];
        format!("{a}{}", SYLLABLES_B[k / SYLLABLES_A.len() % SYLLABLES_B.len()])
    };
    let first = FIRST_NAMES[r2 as usize % FIRST_NAMES.len()];
    let a = STREETS_A[r3 as usize % STREETS_A.len()];
    let street = format!("{a}{}", STREETS_B[(r3 / 40) as usize % STREETS_B.len()]);
    let street_type = STREET_TYPES[(r3 / 1000) as usize % STREET_TYPES.len()];
    let town = TOWNS[(r3 / 6000) as usize % TOWNS.len()];
    let plain = Folded::name(&format!("{first} {last}")).words().collect::<Vec<_>>().join(".");
    Row {
        // Bijections of i (7919 and 7877 are primes): every number once, some with leading zeros.
        customer_number: format!("{:08}", (i * 7919 + 123) % 100_000_000),
        account_number: format!("{:07}", (i * 7877 + 11) % 10_000_000),
        first,
        last,
        house: 1 + (r3 / 72_000) % 9999,
        street,
        street_type,
        town,
        login: (r4 % 10 < 4).then(|| format!("{plain}{i}@example.org")),
        billed_to: (r4 % 10 >= 8).then(|| format!("bills{i}@example.net")),
        phone: {
            // A bijection of i onto 8,000,000 numbers whose exchange starts 2–9.
            let j = (i * 7901 + 17) % 8_000_000;
            format!("541{}{:04}", 200 + j / 10_000, j % 10_000)
        },
    }
}

impl Row {
    fn name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
    fn street_line(&self) -> String {
        format!("{} {} {}", self.house, self.street, self.street_type.0)
    }
}

fn main() {
    let accounts: usize = std::env::var("STAFF_SEARCH_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let queries: usize = std::env::var("STAFF_SEARCH_BENCH_QUERIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(bench(accounts, queries));
}

async fn bench(accounts: usize, queries: usize) {
    let (db, label, cleanup, _dir) = fresh_database().await;
    let started = Instant::now();
    seed(&db, accounts).await;
    let seeded = started.elapsed().as_secs_f64();
    let started = Instant::now();
    settle(&db).await;
    println!(
        "{label}: {accounts} accounts seeded in {seeded:.0} s, analysed in {:.0} s; peak memory {:.0} MiB",
        started.elapsed().as_secs_f64(),
        peak_mib()
    );
    println!("| kind | searches | p50 | p99 | slowest | accounts on the first page (mean) |");
    println!("|---|---|---|---|---|---|");
    for kind in ["bill", "number", "email", "phone", "name", "surname", "address", "street"] {
        measure(&db, accounts, kind, queries).await;
    }
    db.pool.close().await;
    if let Some(cleanup) = cleanup {
        cleanup.drop_database().await;
    }
}

/// Every row, `ROWS` to a statement, a transaction per 100,000 accounts.
async fn seed(db: &Db, accounts: usize) {
    const ROWS: usize = 500;
    const PER_TRANSACTION: usize = 100_000;
    for start in (0..accounts).step_by(PER_TRANSACTION) {
        let mut tx = db.pool.begin().await.expect("begin");
        let end = (start + PER_TRANSACTION).min(accounts);
        for chunk in (start..end).step_by(ROWS) {
            let rows: Vec<(usize, Row)> =
                (chunk..(chunk + ROWS).min(end)).map(|i| (i, row(i))).collect();
            insert_customers(&mut tx, &rows).await;
            insert_accounts(&mut tx, &rows).await;
            insert_logins(&mut tx, &rows).await;
        }
        tx.commit().await.expect("commit");
    }
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// `(…), (…)`: `width` placeholders a row, `literals` after them.
fn values(rows: usize, width: usize, literals: &str) -> String {
    (0..rows)
        .map(|r| {
            let own: Vec<String> = (1..=width).map(|k| format!("${}", r * width + k)).collect();
            format!("({}{literals})", own.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

async fn insert_customers(tx: &mut Tx, rows: &[(usize, Row)]) {
    let sql = format!(
        "INSERT INTO customers (id, customer_number, name, name_folded, phone, created_at, updated_at) VALUES {}",
        values(rows.len(), 5, ", 0, 0")
    );
    let mut insert = sqlx::query(&sql);
    for (i, r) in rows {
        let name = r.name();
        let folded = Folded::name(&name).as_str().to_string();
        insert = insert
            .bind(*i as i64 + 1)
            .bind(r.customer_number.clone())
            .bind(name)
            .bind(folded)
            .bind(r.phone.clone());
    }
    insert.execute(&mut **tx).await.expect("customers");
}

async fn insert_accounts(tx: &mut Tx, rows: &[(usize, Row)]) {
    // Mailing address = service address: the same placeholders again.
    let sql = format!(
        "INSERT INTO accounts (id, customer_id, account_number, service_address, service_city, service_zip, \
         delivery_method, delivery_email, service_address_folded, service_state, mailing_address, mailing_city, \
         mailing_zip, mailing_state, created_at, updated_at) VALUES {}",
        (0..rows.len())
            .map(|r| {
                let p = |k: usize| format!("${}", r * 8 + k);
                format!(
                    "({}, {}, {}, {}, {}, {}, {}, {}, {}, 'OR', {}, {}, {}, 'OR', 0, 0)",
                    p(1), p(1), p(2), p(3), p(4), p(5), p(6), p(7), p(8), p(3), p(4), p(5)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut insert = sqlx::query(&sql);
    for (i, r) in rows {
        let street = r.street_line();
        let folded = Folded::service_address(&street, r.town.0, "OR", r.town.1);
        insert = insert
            .bind(*i as i64 + 1)
            .bind(r.account_number.clone())
            .bind(street)
            .bind(r.town.0)
            .bind(r.town.1)
            .bind(if r.billed_to.is_some() { "email" } else { "paper" })
            .bind(r.billed_to.clone())
            .bind(folded.as_str().to_string());
    }
    insert.execute(&mut **tx).await.expect("accounts");
}

async fn insert_logins(tx: &mut Tx, rows: &[(usize, Row)]) {
    let with_login: Vec<(i64, String)> = rows
        .iter()
        .filter_map(|(i, r)| r.login.clone().map(|email| (*i as i64 + 1, email)))
        .collect();
    if with_login.is_empty() {
        return;
    }
    let sql = format!(
        "INSERT INTO logins (customer_id, email, password_hash, terms_version, terms_accepted_at, \
         created_at, updated_at) VALUES {}",
        values(with_login.len(), 2, ", 'not-a-hash', 't', 0, 0, 0")
    );
    let mut insert = sqlx::query(&sql);
    for (id, email) in with_login {
        insert = insert.bind(id).bind(email);
    }
    insert.execute(&mut **tx).await.expect("logins");
}

/// What a running database has: statistics for the planner (and, on PostgreSQL, the GIN
/// indexes' pending lists merged, as autovacuum does).
async fn settle(db: &Db) {
    let statement = match db.backend {
        app::platform::Backend::Sqlite => "ANALYZE",
        app::platform::Backend::Postgres => "VACUUM ANALYZE",
    };
    sqlx::query(statement).execute(&db.pool).await.expect("analyze");
}

/// What an agent types for `kind`, from row `i` as its caller reads it out.
fn typed(kind: &str, i: usize, r: &Row) -> String {
    let stripped = |n: &str| n.trim_start_matches('0').to_string();
    match kind {
        "bill" => match i % 3 {
            0 => format!("{}-{}", r.customer_number, r.account_number),
            1 => format!("{}{}", r.customer_number, r.account_number),
            _ => format!("{}-{}", stripped(&r.customer_number), stripped(&r.account_number)),
        },
        "number" if i.is_multiple_of(2) => stripped(&r.customer_number),
        "number" => r.account_number.clone(),
        "email" => r.login.clone().or(r.billed_to.clone()).unwrap_or_default().to_uppercase(),
        // Half typed with the accents, half without, in lower case.
        "name" if i.is_multiple_of(2) => r.name(),
        "name" => Folded::name(&r.name()).as_str().trim().to_string(),
        "phone" if i.is_multiple_of(2) => r.phone.clone(),
        "phone" => format!("({}) {}-{}", &r.phone[..3], &r.phone[3..6], &r.phone[6..]),
        "surname" => r.last.clone(),
        "address" => format!("{} {}", r.house, r.street),
        _ => format!("{} {}", r.street, r.street_type.1),
    }
}

async fn measure(db: &Db, accounts: usize, kind: &str, count: usize) {
    let mut times = Vec::with_capacity(count);
    let mut shown = 0;
    let mut n = 0;
    let mut k = 0_u64;
    while n < count + 10 {
        k += 1;
        let i = (mix(k ^ 0xA5A5) % accounts as u64) as usize;
        let r = row(i);
        if kind == "email" && r.login.is_none() && r.billed_to.is_none() {
            continue;
        }
        let text = typed(kind, i, &r);
        let started = Instant::now();
        let query = SearchQuery::parse(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let page = search::search(db, &query, 0).await.expect("search");
        let took = started.elapsed();
        if matches!(kind, "bill" | "email") {
            assert!(
                page.hits.iter().any(|h| h.account_id.0 == i as i64 + 1),
                "{text:?} missed its account"
            );
        }
        n += 1;
        // The first ten warm the caches and prepare the statements.
        if n > 10 {
            times.push(took);
            shown += page.hits.len();
        }
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!(
        "| {kind} | {count} | {} | {} | {} | {:.1} |",
        ms(at(0.50)),
        ms(at(0.99)),
        ms(*times.last().expect("a search")),
        shown as f64 / count as f64
    );
}
