namespace Workflows.Steps.Guard.Detectors;

/// <summary>PEM private keys (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted) and PGP private key blocks, by their header line.</summary>
internal static class PrivateKeyDetector
{
    public static IDetector Create() => new RegexDetector(SecretDetectors.Category, "private_key",
        RegexDetector.Compile(@"-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----|-----BEGIN PGP PRIVATE KEY BLOCK-----"));
}
