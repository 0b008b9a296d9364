//! Writing files so that a crash never leaves a half-written one: the bytes go to a temporary
//! file in the same directory, created with its final mode, synced, then moved into place.
//! Also the checks on the files the tool trusts: opened without following a symbolic link,
//! compared by identity (device and inode) rather than by name, refused when other users can
//! write them.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Opens `path` with `options` and `O_NOFOLLOW`: a symbolic link in the last component is
/// refused rather than followed (the journal and keystores are the tool's own files, and a link
/// planted in their place would redirect what it writes or reads). The error says so in words.
pub fn open_nofollow(options: &OpenOptions, path: &Path) -> io::Result<File> {
    let mut options = options.clone();
    options.custom_flags(libc::O_NOFOLLOW);
    options.open(path).map_err(|e| {
        if e.raw_os_error() == Some(libc::ELOOP) {
            io::Error::other("it is a symbolic link, which is not followed")
        } else {
            e
        }
    })
}

/// [`open_nofollow`] for reading.
pub fn open_read_nofollow(path: &Path) -> io::Result<File> {
    open_nofollow(OpenOptions::new().read(true), path)
}

/// A file's identity: its device and inode, the same for every name (hard link, symbolic link,
/// `./x` or `../d/x`) that leads to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    pub fn of_metadata(m: &fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        FileId {
            dev: m.dev(),
            ino: m.ino(),
        }
    }

    /// The identity of the file `path` leads to (following symbolic links), if it exists.
    pub fn of(path: &Path) -> Option<Self> {
        fs::metadata(path).ok().map(|m| Self::of_metadata(&m))
    }
}

/// Which of `protected` (the journal, a keystore, config.toml) `target` is, by identity: a
/// file written there would overwrite it, whatever name leads to it.
pub fn same_file_as<'a>(target: &Path, protected: &'a [PathBuf]) -> Option<&'a Path> {
    let id = FileId::of(target)?;
    protected
        .iter()
        .find(|p| FileId::of(p) == Some(id))
        .map(PathBuf::as_path)
}

/// The user this process runs as: the owner of `/proc/self` (std has no safe `geteuid`).
fn own_uid() -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self").ok().map(|m| m.uid())
}

/// Why other users could change this file or directory, if they can: write permission for the
/// group or others (a sticky directory such as /tmp excepted, where no one may replace another's
/// file), or an owner other than the user (and root).
pub fn writable_by_others(m: &fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::MetadataExt;
    let mode = m.permissions().mode();
    let sticky = m.is_dir() && mode & 0o1000 != 0;
    if mode & 0o022 != 0 && !sticky {
        return Some(if mode & 0o002 != 0 {
            "every user can write it"
        } else {
            "its group can write it"
        });
    }
    match own_uid() {
        Some(me) if m.uid() != me && m.uid() != 0 => Some("it belongs to another user"),
        _ => None,
    }
}

/// Whether the group or others can read this file.
pub fn readable_by_others(m: &fs::Metadata) -> bool {
    m.permissions().mode() & 0o044 != 0
}

/// For a write through the symbolic link `path` (`-o LINK`): the file it names. The link is
/// opened as curl's open(2) opens it, so the kernel's rules for following links apply (with
/// `fs.protected_symlinks`, a link in a sticky world-writable directory such as /tmp is
/// followed only by its owner or the directory's); only then is it resolved by name, and the
/// name must lead to the very file that was opened, so a replacement renamed over it is never
/// more permissive than writing through the link. `Ok(None)`: the link dangles.
pub fn follow_link_as_open(path: &Path) -> io::Result<Option<PathBuf>> {
    let opened = match OpenOptions::new().write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let id = FileId::of_metadata(&opened.metadata()?);
    let target = fs::canonicalize(path)?;
    if FileId::of(&target) != Some(id) {
        return Err(io::Error::other(
            "the symbolic link changed while it was being opened",
        ));
    }
    Ok(Some(target))
}

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

    #[test]
    fn a_symbolic_link_is_refused_by_open_nofollow() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        fs::write(&real, "x").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(open_read_nofollow(&real).is_ok());
        let e = open_read_nofollow(&link).unwrap_err();
        assert_eq!(
            e.to_string(),
            "it is a symbolic link, which is not followed"
        );
    }

    #[test]
    fn files_are_compared_by_identity_not_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal.jsonl");
        fs::write(&journal, "").unwrap();
        let hard = dir.path().join("hard");
        fs::hard_link(&journal, &hard).unwrap();
        let soft = dir.path().join("soft");
        std::os::unix::fs::symlink(&journal, &soft).unwrap();
        let other = dir.path().join("other");
        fs::write(&other, "").unwrap();
        let protected = [journal.clone()];
        for name in [&journal, &hard, &soft, &dir.path().join("./journal.jsonl")] {
            assert_eq!(same_file_as(name, &protected), Some(journal.as_path()));
        }
        assert_eq!(same_file_as(&other, &protected), None);
        assert_eq!(same_file_as(&dir.path().join("new"), &protected), None);
    }

    #[test]
    fn a_link_is_followed_to_the_file_it_names_or_none_when_dangling() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        fs::write(&real, "x").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert_eq!(
            follow_link_as_open(&link).unwrap(),
            Some(fs::canonicalize(&real).unwrap())
        );
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert_eq!(follow_link_as_open(&dangling).unwrap(), None);
    }

    #[test]
    fn permissions_other_users_have() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        fs::write(&f, "").unwrap();
        let with = |mode| {
            fs::set_permissions(&f, fs::Permissions::from_mode(mode)).unwrap();
            fs::metadata(&f).unwrap()
        };
        assert_eq!(writable_by_others(&with(0o600)), None);
        assert_eq!(writable_by_others(&with(0o644)), None);
        assert!(writable_by_others(&with(0o664)).is_some());
        assert!(writable_by_others(&with(0o602)).is_some());
        assert!(!readable_by_others(&with(0o600)));
        assert!(readable_by_others(&with(0o640)));
        let d = dir.path().join("d");
        fs::create_dir(&d).unwrap();
        fs::set_permissions(&d, fs::Permissions::from_mode(0o1777)).unwrap();
        assert_eq!(
            writable_by_others(&fs::metadata(&d).unwrap()),
            None,
            "sticky"
        );
        fs::set_permissions(&d, fs::Permissions::from_mode(0o777)).unwrap();
        assert!(writable_by_others(&fs::metadata(&d).unwrap()).is_some());
    }
}
