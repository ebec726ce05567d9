using System.Text;

namespace Workflows.Engine.Storage;

/// <summary>Reads of files other processes append to while they are read (run journals, step snapshots).</summary>
public static class SharedFile
{
    /// <summary>The whole text of <paramref name="path"/> as it is now, null when it does not exist. The file
    /// stays open to writers and to deletion while it is read, so an appending process never fails.</summary>
    public static string? ReadAllTextOrNull(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
