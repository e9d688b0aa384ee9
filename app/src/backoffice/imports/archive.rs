//! An uploaded zip of bill PDFs: `manifest.csv` (the columns of `server import
//! bill-documents`) at its top and the PDFs it names. It is unpacked into a folder of its
//! own, then imported from there by the command line's function. Every entry is checked
//! before a byte is written: a name that would land outside the folder, a PDF bigger than a
//! bill may be, or more than the archive may hold refuses the file whole.

use crate::import::MAX_PDF_BYTES;
use std::io::{Read, Seek};
use std::path::Path;

/// The manifest's name inside the zip.
pub const MANIFEST: &str = "manifest.csv";
/// A manifest is text: a month of a large utility's bills is a few MB.
const MAX_MANIFEST_BYTES: u64 = 25 * 1024 * 1024;
/// Files in one archive: beyond any month of bills an upload can carry.
const MAX_ENTRIES: usize = 100_000;
/// All files unpacked: what an archive may expand to (its entries are stored compressed).
const MAX_UNPACKED_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Unpacks `archive` into `folder` (empty): `Err` with why the archive is refused.
pub fn unpack(archive: impl Read + Seek, folder: &Path) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(archive).map_err(|_| "the file is not a zip archive")?;
    check(&mut zip)?;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| format!("the zip could not be read: {e}"))?;
        let Some(name) = entry.enclosed_name() else { continue };
        let path = folder.join(name);
        if entry.is_dir() {
            std::fs::create_dir_all(&path).map_err(|e| e.to_string())?;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        let limit = entry.size();
        let mut out = std::fs::File::create(&path).map_err(|e| e.to_string())?;
        // The sizes were checked as the archive states them; the copy stops there too.
        let copied = std::io::copy(&mut (&mut entry).take(limit + 1), &mut out)
            .map_err(|e| format!("{} could not be unpacked: {e}", path_text(&path, folder)))?;
        if copied > limit {
            return Err(format!("{} is larger than the archive says", path_text(&path, folder)));
        }
    }
    Ok(())
}

/// The whole archive's table, before anything is unpacked.
fn check<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Result<(), String> {
    if zip.len() > MAX_ENTRIES {
        return Err(format!("the zip holds {} files; at most {MAX_ENTRIES} are taken", zip.len()));
    }
    let (mut total, mut manifest) = (0u64, false);
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| format!("the zip could not be read: {e}"))?;
        let shown = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let Some(name) = entry.enclosed_name() else {
            return Err(format!("{shown} would be unpacked outside the archive's folder"));
        };
        let limit = if name == Path::new(MANIFEST) {
            manifest = true;
            MAX_MANIFEST_BYTES
        } else {
            MAX_PDF_BYTES
        };
        if entry.size() > limit {
            return Err(format!("{shown} is {} bytes; at most {limit} are taken", entry.size()));
        }
        total += entry.size();
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(format!("the zip unpacks to {total} bytes; at most {MAX_UNPACKED_BYTES}"));
    }
    if !manifest {
        return Err(format!("the zip has no {MANIFEST} at its top"));
    }
    Ok(())
}

fn path_text(path: &Path, folder: &Path) -> String {
    path.strip_prefix(folder).unwrap_or(path).display().to_string()
}
