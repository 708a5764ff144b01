//! HTTPS: a certificate given on the command line, or a self-signed one for localhost made on
//! first start and kept in the data directory (so clients that trust it keep trusting it).
//!
//! b24pysdk only speaks `https://`, so a local stand-in needs HTTPS that a client can be told
//! to trust with one environment variable.

use axum_server::tls_rustls::RustlsConfig;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use std::path::{Path, PathBuf};

/// A certificate and its private key, as PEM files, and the file clients should trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
    /// The CA of a self-signed setup, or the certificate itself when one was given.
    pub trust: PathBuf,
}

/// Why HTTPS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot make a self-signed certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The self-signed setup in `dir`, made now if it is not there yet: a local CA
/// (`openlines-tls-ca.pem`, the file clients trust) and a certificate it signed for
/// `localhost`, `127.0.0.1` and `::1` (`openlines-tls-cert.pem`, key `openlines-tls-key.pem`).
/// A CA rather than one self-signed certificate, because OpenSSL (Python) and Node refuse a
/// self-signed server certificate even when told to trust it.
pub fn self_signed_in(dir: &Path) -> Result<TlsFiles, TlsError> {
    let files = TlsFiles {
        cert: dir.join("openlines-tls-cert.pem"),
        key: dir.join("openlines-tls-key.pem"),
        trust: dir.join("openlines-tls-ca.pem"),
    };
    if files.cert.exists() && files.key.exists() && files.trust.exists() {
        return Ok(files);
    }
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "openlines local CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate()?)?;
    let names = vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    let mut leaf_params = CertificateParams::new(names)?;
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate()?;
    let leaf = leaf_params.signed_by(&leaf_key, &ca)?;
    write(&files.trust, ca.pem().as_bytes(), 0o644)?;
    write(
        &files.cert,
        format!("{}{}", leaf.pem(), ca.pem()).as_bytes(),
        0o644,
    )?;
    write(&files.key, leaf_key.serialize_pem().as_bytes(), 0o600)?;
    Ok(files)
}

fn write(path: &Path, content: &[u8], mode: u32) -> Result<(), TlsError> {
    let io = |source| TlsError::Io {
        path: path.to_owned(),
        source,
    };
    std::fs::write(path, content).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(io)?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    Ok(())
}

/// The rustls configuration for `files` (ring provider, TLS 1.2 and 1.3).
pub async fn rustls_config(files: &TlsFiles) -> Result<RustlsConfig, TlsError> {
    RustlsConfig::from_pem_file(&files.cert, &files.key)
        .await
        .map_err(|source| TlsError::Io {
            path: files.cert.clone(),
            source,
        })
}

/// How to make common clients trust `cert` (printed at start).
pub fn trust_hints(cert: &Path) -> String {
    let cert = cert.display();
    format!(
        "Trust the certificate {cert}:\n  \
         Python (requests, b24pysdk): export REQUESTS_CA_BUNDLE={cert} SSL_CERT_FILE={cert}\n  \
         Node (b24jssdk):             export NODE_EXTRA_CA_CERTS={cert}\n  \
         curl:                        curl --cacert {cert} …\n  \
         openlines call, Rust client: --cacert {cert} (or SSL_CERT_FILE={cert})"
    )
}
