using System.Globalization;

namespace Workflows.Engine.Binding;

/// <summary>Converts YAML scalar text to the primitive types options may declare.</summary>
internal static class ScalarConverter
{
    public static bool IsScalarType(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal);

    public static bool TryConvert(string text, Type type, out object? value, out string expected)
    {
        expected = Describe(type);
        value = null;
        var invariant = CultureInfo.InvariantCulture;
        if (type == typeof(bool) && bool.TryParse(text, out var b)) value = b;
        else if (type == typeof(int) && int.TryParse(text, NumberStyles.Integer, invariant, out var i)) value = i;
        else if (type == typeof(long) && long.TryParse(text, NumberStyles.Integer, invariant, out var l)) value = l;
        else if (type == typeof(double) && double.TryParse(text, NumberStyles.Float, invariant, out var d)) value = d;
        else if (type == typeof(float) && float.TryParse(text, NumberStyles.Float, invariant, out var f)) value = f;
        else if (type == typeof(decimal) && decimal.TryParse(text, NumberStyles.Float, invariant, out var m)) value = m;
        else if (type.IsEnum) value = ParseEnum(text, type);
        return value is not null;
    }

    public static string Describe(Type type)
    {
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        if (type.IsEnum) return "one of " + string.Join(", ", EnumNames(type));
        return "a value of type " + type.Name;
    }

    public static IEnumerable<string> EnumNames(Type type) => Enum.GetNames(type).Select(OptionNames.Of);

    private static object? ParseEnum(string text, Type type)
    {
        foreach (var name in Enum.GetNames(type))
            if (string.Equals(OptionNames.Of(name), text, StringComparison.OrdinalIgnoreCase) || string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                return Enum.Parse(type, name);
        return null;
    }
}
