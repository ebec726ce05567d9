namespace Workflows.Engine.Storage;

/// <summary>One thing <c>wf gc</c> would remove: its path, its size and, in words, what it is.</summary>
public sealed record GcItem(string Path, long Bytes, string What);
