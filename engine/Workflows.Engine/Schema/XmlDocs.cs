using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Workflows.Engine.Schema;

/// <summary>Reads the <c>&lt;summary&gt;</c> of types and properties from the XML documentation file
/// built beside each assembly, so options records document themselves once, in C#.</summary>
internal static partial class XmlDocs
{
    private static readonly ConcurrentDictionary<Assembly, IReadOnlyDictionary<string, string>> Files = new();

    public static string? Summary(PropertyInfo property) =>
        Lookup(property.DeclaringType!.Assembly, $"P:{Name(property.DeclaringType!)}.{property.Name}");

    public static string? Summary(Type type) => Lookup(type.Assembly, $"T:{Name(type)}");

    private static string Name(Type type) => (type.FullName ?? type.Name).Replace('+', '.');

    private static string? Lookup(Assembly assembly, string member) => Load(assembly).GetValueOrDefault(member);

    private static IReadOnlyDictionary<string, string> Load(Assembly assembly) => Files.GetOrAdd(assembly, a =>
    {
        var path = string.IsNullOrEmpty(a.Location) ? null : Path.ChangeExtension(a.Location, ".xml");
        if (path is null || !File.Exists(path)) return new Dictionary<string, string>();
        return XDocument.Load(path).Descendants("member")
            .Where(m => m.Attribute("name") is not null && m.Element("summary") is not null)
            .ToDictionary(m => m.Attribute("name")!.Value, m => Clean(m.Element("summary")!), StringComparer.Ordinal);
    });

    private static string Clean(XElement summary)
    {
        foreach (var reference in summary.Descendants().Where(e => e.Name == "see" || e.Name == "paramref" || e.Name == "typeparamref").ToList())
        {
            var target = reference.Attribute("cref")?.Value ?? reference.Attribute("name")?.Value ?? reference.Attribute("langword")?.Value ?? "";
            var shortName = target.Contains(':') ? target[(target.LastIndexOf('.') + 1)..] : target;
            // Properties are options: show them as users write them in YAML.
            reference.ReplaceWith(target.StartsWith("P:", StringComparison.Ordinal) ? Binding.OptionNames.Of(shortName) : shortName);
        }
        return Whitespace().Replace(string.Concat(summary.Nodes().Select(n => n is XElement e ? e.Value : n.ToString())), " ").Trim()
            .Replace("&lt;", "<").Replace("&gt;", ">").Replace("&amp;", "&");
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
