namespace Workflows.Engine.Yaml;

/// <summary>A YAML node that keeps where it was written, so every diagnostic can name file:line:col.</summary>
public abstract record YamlNode(SourceMark Mark);

/// <summary>A scalar. <see cref="IsPlain"/> is false for quoted scalars, which are never read as numbers,
/// booleans or null.</summary>
public sealed record YamlScalar(SourceMark Mark, string Value, bool IsPlain) : YamlNode(Mark)
{
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";
}

/// <summary>A mapping, in document order. Duplicate keys are reported by the reader and the first kept.</summary>
public sealed record YamlMapping(SourceMark Mark, IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries) : YamlNode(Mark)
{
    public YamlNode? Get(string key) => Entries.FirstOrDefault(e => e.Key.Value == key).Value;

    public YamlScalar? KeyOf(string key) => Entries.FirstOrDefault(e => e.Key.Value == key).Key;
}

public sealed record YamlSequence(SourceMark Mark, IReadOnlyList<YamlNode> Items) : YamlNode(Mark);
