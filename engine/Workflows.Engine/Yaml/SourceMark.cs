namespace Workflows.Engine.Yaml;

/// <summary>A position in a workflow file, 1-based, as editors show it.</summary>
public readonly record struct SourceMark(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
