//! An uploaded zip of bill PDFs: `manifest.csv` (the columns of `server import
//! bill-documents`) at its top and the PDFs it names. It is unpacked into a folder of its
//! own, then imported from there by the command line's function. Every entry is checked
//! before a byte is written: a name that would land outside the folder, a PDF bigger than a
//! bill may be, or more than the archive may hold refuses the file whole.

use crate::domain::ImportProblem;
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

/// Unpacks `archive` into `folder` (empty): `Ok(Err(problem))` when the archive is
/// refused; `Err` when the server's own disk failed.
pub fn unpack(
    archive: impl Read + Seek,
    folder: &Path,
) -> std::io::Result<Result<(), ImportProblem>> {
    let Ok(mut zip) = zip::ZipArchive::new(archive) else {
        return Ok(Err(ImportProblem::ZipUnreadable));
    };
    if let Err(problem) = check(&mut zip) {
        return Ok(Err(problem));
    }
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else { return Ok(Err(ImportProblem::ZipUnreadable)) };
        let Some(name) = entry.enclosed_name() else { continue };
        let path = folder.join(name);
        if entry.is_dir() {
            std::fs::create_dir_all(&path)?;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let limit = entry.size();
        let mut out = std::fs::File::create(&path)?;
        // The sizes were checked as the archive states them; the copy stops there too. A
        // copy that fails or runs past them is a damaged archive.
        let copied = std::io::copy(&mut (&mut entry).take(limit + 1), &mut out);
        if !matches!(copied, Ok(n) if n <= limit) {
            let file = path.strip_prefix(folder).unwrap_or(&path).display().to_string();
            return Ok(Err(ImportProblem::ZipEntryUnreadable { file }));
        }
    }
    Ok(Ok(()))
}

/// The whole archive's table, before anything is unpacked.
fn check<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Result<(), ImportProblem> {
    if zip.len() > MAX_ENTRIES {
        return Err(ImportProblem::ZipTooManyFiles {
            files: zip.len() as u64,
            most: MAX_ENTRIES as u64,
        });
    }
    let (mut total, mut manifest) = (0u64, false);
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| ImportProblem::ZipUnreadable)?;
        let file = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let Some(name) = entry.enclosed_name() else {
            return Err(ImportProblem::ZipEntryOutside { file });
        };
        let most = if name == Path::new(MANIFEST) {
            manifest = true;
            MAX_MANIFEST_BYTES
        } else {
            MAX_PDF_BYTES
        };
        if entry.size() > most {
            return Err(ImportProblem::ZipEntryTooLarge { file, bytes: entry.size(), most });
        }
        total += entry.size();
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(ImportProblem::ZipTooLarge { bytes: total, most: MAX_UNPACKED_BYTES });
    }
    if !manifest {
        return Err(ImportProblem::ZipNoManifest { manifest: MANIFEST.into() });
    }
    Ok(())
}
