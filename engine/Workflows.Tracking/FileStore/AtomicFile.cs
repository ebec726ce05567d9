namespace Workflows.Tracking.FileStore;

/// <summary>Writes that readers never see half done: the content goes to a temp file beside the target
/// and is then renamed over it (a rename within one folder is atomic).</summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = TempPath(path);
        try
        {
            File.WriteAllText(temp, content);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public static void Copy(string source, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var temp = TempPath(destination);
        try
        {
            File.Copy(source, temp, overwrite: true);
            File.Move(temp, destination, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Copies a file to <c>folder/name</c>, or a folder's contents into <c>folder</c>, file by file.</summary>
    public static void CopyFileOrFolder(string source, string destinationFolder)
    {
        if (File.Exists(source))
        {
            Copy(source, Path.Combine(destinationFolder, Path.GetFileName(source)));
            return;
        }

        if (!Directory.Exists(source))
        {
            throw new FileNotFoundException($"artifact '{source}' does not exist", source);
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            Copy(file, Path.Combine(destinationFolder, Path.GetRelativePath(source, file)));
        }
    }

    // A dot-prefixed name keeps MLflow from listing a half-written temp file as a param or artifact.
    private static string TempPath(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
}
