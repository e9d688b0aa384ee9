//! The built site's file names, and how long a browser may keep each file.
//!
//! `cargo leptos build` names the css, js and wasm by a hash of their content (`hash-files`
//! in Cargo.toml) and writes the hashes to `hash.txt` beside the server binary, where
//! Leptos's `HydrationScripts` reads the js and wasm names. The same file gives the
//! stylesheet's name, the service worker's list of the build's files and the files a
//! browser may keep for ever: a new build has new names, so no stale copy is ever used.

use leptos::config::LeptosOptions;
use std::path::PathBuf;
use std::sync::OnceLock;

/// A year: what "for ever" is in `Cache-Control`.
const FOREVER: &str = "public, max-age=31536000, immutable";
/// Icons and the manifest keep their names across builds: an hour, then asked again.
const SHORT: &str = "public, max-age=3600, must-revalidate";
/// Asked again each time (a 304 when unchanged): files that name the build's files.
const REVALIDATE: &str = "no-cache";

/// The css, js and wasm of the build being served, as paths (`/pkg/aqueduct.HASH.css`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    pub css: String,
    pub js: String,
    pub wasm: String,
    hashed: bool,
}

/// A `hash.txt` that does not name the three files.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("the hash file {path} cannot be read or does not give the {missing} file's hash")]
pub struct BadHashFile {
    path: String,
    missing: &'static str,
}

static CURRENT: OnceLock<Build> = OnceLock::new();

impl Build {
    /// Names without hashes: a build made without `hash-files` (the Rust tests' router).
    pub fn unhashed(pkg_dir: &str, output: &str) -> Self {
        let path = |ext: &str| format!("/{pkg_dir}/{output}.{ext}");
        Self { css: path("css"), js: path("js"), wasm: path("wasm"), hashed: false }
    }

    /// Reads `hash.txt` (`css: HASH` and so on, a line a file).
    pub fn from_hashes(
        pkg_dir: &str,
        output: &str,
        text: &str,
        path: &str,
    ) -> Result<Self, BadHashFile> {
        let hash = |ext: &'static str| {
            text.lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(name, _)| name.trim() == ext)
                .map(|(_, hash)| hash.trim())
                .filter(|hash| !hash.is_empty())
                .map(|hash| format!("/{pkg_dir}/{output}.{hash}.{ext}"))
                .ok_or(BadHashFile { path: path.to_string(), missing: ext })
        };
        Ok(Self { css: hash("css")?, js: hash("js")?, wasm: hash("wasm")?, hashed: true })
    }

    /// The build this process serves: `set_up`'s, or unhashed names when it did not run.
    pub fn current() -> &'static Build {
        CURRENT.get_or_init(|| Self::unhashed("pkg", "aqueduct"))
    }

    /// The files a browser may keep for ever (none when the names carry no hash).
    pub fn immutable_files(&self) -> Vec<&str> {
        if self.hashed {
            vec![&self.css, &self.js, &self.wasm]
        } else {
            Vec::new()
        }
    }

    /// Whether the files are named by hash (a release build), so never change under a name.
    pub fn is_hashed(&self) -> bool {
        self.hashed
    }

    /// What the service worker names its cache by: the three hashes, so a new build gets a
    /// new cache and the old one is deleted.
    pub fn id(&self) -> String {
        let hash = |path: &str| path.rsplit('.').nth(1).unwrap_or_default().to_string();
        if self.hashed {
            [hash(&self.css), hash(&self.js), hash(&self.wasm)].join("-")
        } else {
            "unhashed".to_string()
        }
    }

    /// `Cache-Control` for a static file at `path` (pages and server functions get
    /// `no-store` elsewhere); `None` leaves the answer without one.
    pub fn cache_control(&self, path: &str) -> Option<&'static str> {
        if self.immutable_files().contains(&path) {
            Some(FOREVER)
        } else if path.starts_with("/pkg/") || path == "/sw.js" || path == "/offline.html" {
            // Another build's names or a build without hashes; the service worker and the
            // offline page name this build's files.
            Some(REVALIDATE)
        } else if ["/favicon.ico", "/manifest.webmanifest", "/register-sw.js"].contains(&path)
            || path.starts_with("/icons/")
            || path.starts_with("/images/")
        {
            Some(SHORT)
        } else {
            None
        }
    }
}

/// Where the build wrote its hash file: beside the server binary.
fn hash_file(options: &LeptosOptions) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(options.hash_file.as_ref()))
}

/// Reads the build's file names once, as the server starts. A binary built with
/// `hash-files` has its hash file beside it; then hashed names are used even when
/// `LEPTOS_HASH_FILES` is not set (a deployed binary is started without cargo-leptos).
pub fn set_up(options: &mut LeptosOptions) -> Result<&'static Build, BadHashFile> {
    let pkg_dir = options.site_pkg_dir.to_string();
    let output = options.output_name.to_string();
    let file = hash_file(options).filter(|file| file.is_file());
    let build = match (&file, std::env::var_os("LEPTOS_HASH_FILES").is_some()) {
        (Some(file), set) if options.hash_files || !set => {
            options.hash_files = true;
            let path = file.display().to_string();
            let text = std::fs::read_to_string(file)
                .map_err(|_| BadHashFile { path: path.clone(), missing: "css" })?;
            Build::from_hashes(&pkg_dir, &output, &text, &path)?
        }
        _ => Build::unhashed(&pkg_dir, &output),
    };
    Ok(CURRENT.get_or_init(|| build))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASHES: &str = "js: AbC123\nwasm: Def456\ncss: Ghi789\n";

    #[test]
    fn reads_the_three_names_from_the_hash_file() {
        let build = Build::from_hashes("pkg", "aqueduct", HASHES, "hash.txt").unwrap();
        assert_eq!(build.css, "/pkg/aqueduct.Ghi789.css");
        assert_eq!(build.js, "/pkg/aqueduct.AbC123.js");
        assert_eq!(build.wasm, "/pkg/aqueduct.Def456.wasm");
        assert_eq!(build.id(), "Ghi789-AbC123-Def456");
    }

    #[test]
    fn a_hash_file_without_the_css_is_refused() {
        let refused = Build::from_hashes("pkg", "aqueduct", "js: a\nwasm: b\n", "hash.txt");
        assert_eq!(refused.unwrap_err().missing, "css");
        let empty = Build::from_hashes("pkg", "aqueduct", "js: a\nwasm: b\ncss: \n", "hash.txt");
        assert!(empty.is_err());
    }

    #[test]
    fn only_this_builds_hashed_files_are_kept_for_ever() {
        let build = Build::from_hashes("pkg", "aqueduct", HASHES, "hash.txt").unwrap();
        assert_eq!(build.cache_control("/pkg/aqueduct.Ghi789.css"), Some(FOREVER));
        assert_eq!(build.cache_control("/pkg/aqueduct.Def456.wasm"), Some(FOREVER));
        assert_eq!(build.cache_control("/pkg/aqueduct.Old000.css"), Some(REVALIDATE));
        assert_eq!(build.cache_control("/sw.js"), Some(REVALIDATE));
        assert_eq!(build.cache_control("/icons/icon-192.png"), Some(SHORT));
        assert_eq!(build.cache_control("/manifest.webmanifest"), Some(SHORT));
        assert_eq!(build.cache_control("/account"), None);
    }

    #[test]
    fn unhashed_names_are_never_kept_for_ever() {
        let build = Build::unhashed("pkg", "aqueduct");
        assert_eq!(build.css, "/pkg/aqueduct.css");
        assert!(build.immutable_files().is_empty());
        assert_eq!(build.cache_control("/pkg/aqueduct.css"), Some(REVALIDATE));
    }
}
