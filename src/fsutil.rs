//! Writing files so that a crash never leaves a half-written one: the bytes go to a temporary
//! file in the same directory, created with its final mode, synced, then moved into place.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// `dir/.NAME.RANDOM.tmp`: a name beside the file that no other writer picks.
fn temp_path(dir: &Path, name: &OsStr) -> PathBuf {
    let mut suffix = [0u8; 8];
    rand08::RngCore::fill_bytes(&mut rand08::rngs::OsRng, &mut suffix);
    let mut tmp = OsString::from(".");
    tmp.push(name);
    tmp.push(format!(".{}.tmp", alloy_primitives::hex::encode(suffix)));
    dir.join(tmp)
}

/// The directory and file name of `path` (the directory `.` for a bare name).
fn split(path: &Path) -> io::Result<(&Path, &OsStr)> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Some(name) = path.file_name() else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file name",
        ));
    };
    Ok((dir, name))
}

/// Writes `bytes` to `dir/name` with `mode` from the first byte. With `replace` false an existing
/// file is never touched (the error is `AlreadyExists`), even when two processes race.
pub fn write_atomic(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    mode: u32,
    replace: bool,
) -> io::Result<()> {
    let tmp = temp_path(dir, name.as_ref());
    let target = dir.join(name);
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        if replace {
            fs::rename(&tmp, &target)
        } else {
            // link() fails if the name exists, atomically; rename() would replace it.
            fs::hard_link(&tmp, &target)
        }
    })();
    let _ = fs::remove_file(&tmp);
    result?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Replaces the file at `path` atomically (see [`write_atomic`]).
pub fn replace_file(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let (dir, name) = split(path)?;
    let Some(name) = name.to_str() else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file name",
        ));
    };
    write_atomic(dir, name, bytes, mode, true)
}

/// A regular file rewritten by a stream of writes of unknown length, which replaces the file
/// only when [`Replacement::commit`] says the stream is complete. Until then the bytes go to a
/// temporary file beside it (`.NAME.RANDOM.tmp`), removed if the replacement is dropped: a
/// failed transfer leaves the file as it was, never half-written.
///
/// A new file is created with the mode of any new file of the user (0666 less the umask); a
/// file that exists keeps its permission bits, and must be writable, as it would have to be to
/// be overwritten.
#[derive(Debug)]
pub struct Replacement {
    file: File,
    tmp: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Replacement {
    pub fn create(target: &Path) -> io::Result<Self> {
        let (dir, name) = split(target)?;
        let existing = match fs::metadata(target) {
            Ok(m) if m.is_file() => {
                // Opened for writing and closed unchanged: refuses what `>` would refuse.
                OpenOptions::new().write(true).open(target)?;
                Some(fs::Permissions::from_mode(m.permissions().mode() & 0o777))
            }
            _ => None,
        };
        let tmp = temp_path(dir, name);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(if existing.is_some() { 0o600 } else { 0o666 })
            .open(&tmp)?;
        let replacement = Self {
            file,
            tmp,
            target: target.to_path_buf(),
            committed: false,
        };
        if let Some(permissions) = existing {
            replacement.file.set_permissions(permissions)?;
        }
        Ok(replacement)
    }

    /// Syncs the bytes written and moves them over the file.
    pub fn commit(mut self) -> io::Result<()> {
        self.file.sync_all()?;
        fs::rename(&self.tmp, &self.target)?;
        self.committed = true;
        if let Ok((dir, _)) = split(&self.target)
            && let Ok(d) = File::open(dir)
        {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

impl Write for Replacement {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for Replacement {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    #[test]
    fn a_replacement_takes_the_files_place_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        fs::write(&path, "before").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();

        let mut r = Replacement::create(&path).unwrap();
        r.write_all(b"half of it").unwrap();
        assert_eq!(
            names(dir.path()).len(),
            2,
            "the temporary file is beside it"
        );
        drop(r);
        assert_eq!(fs::read_to_string(&path).unwrap(), "before");
        assert_eq!(names(dir.path()), ["out.bin"]);

        let mut r = Replacement::create(&path).unwrap();
        r.write_all(b"all of it").unwrap();
        r.commit().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "all of it");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(names(dir.path()), ["out.bin"]);
    }
}
