namespace Workflows.Engine.Tests.Support;

/// <summary>Damages a stored file the way a bad disk or a stray editor does: one byte flipped, size and
/// modification time kept, so only reading the bytes can tell.</summary>
public static class Damage
{
    public static void FlipByte(string path)
    {
        var modified = File.GetLastWriteTimeUtc(path);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, modified);
    }
}
