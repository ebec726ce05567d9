using System.Text;

namespace Workflows.Engine.Storage;

/// <summary>Writes files so that readers see either the old content or the new, never a half file.</summary>
public static class AtomicFile
{
    /// <param name="path">The file to replace.</param>
    /// <param name="content">Its new text (UTF-8).</param>
    /// <param name="durable">Flush to disk before the rename (default), so that even a power loss leaves
    /// the old content or the new; false for notes that only matter while their writer lives (lock owners),
    /// which a killed process still leaves whole, at a fraction of the cost.</param>
    public static void WriteAllText(string path, string content, bool durable = true) => WriteAllBytes(path, Encoding.UTF8.GetBytes(content), durable);

    /// <inheritdoc cref="WriteAllText"/>
    public static void WriteAllBytes(string path, byte[] content, bool durable = true)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: durable);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
