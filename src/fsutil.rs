//! Writing files so that a crash never leaves a half-written one: the bytes go to a temporary
//! file in the same directory, created with its final mode, synced, then moved into place.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Writes `bytes` to `dir/name` with `mode` from the first byte. With `replace` false an existing
/// file is never touched (the error is `AlreadyExists`), even when two processes race.
pub fn write_atomic(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    mode: u32,
    replace: bool,
) -> io::Result<()> {
    let mut suffix = [0u8; 8];
    rand08::RngCore::fill_bytes(&mut rand08::rngs::OsRng, &mut suffix);
    let tmp = dir.join(format!(
        ".{name}.{}.tmp",
        alloy_primitives::hex::encode(suffix)
    ));
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
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file name",
        ));
    };
    write_atomic(dir, name, bytes, mode, true)
}
