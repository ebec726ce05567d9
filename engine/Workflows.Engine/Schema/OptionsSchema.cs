using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Engine.Binding;
using Workflows.Engine.Steps;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Schema;

/// <summary>JSON Schema (draft-07, what yaml-language-server reads) for an options record: types,
/// required keys, ranges, enum values, defaults and descriptions from the XML docs.</summary>
public static class OptionsSchema
{
    /// <summary>Any value may instead be a <c>${{ … }}</c> expression.</summary>
    private static JsonObject Expression() => new() { ["type"] = "string", ["pattern"] = @"^\$\{\{.*\}\}$" };

    public static JsonObject For(Type optionsType)
    {
        var schema = ObjectSchema(optionsType);
        if (XmlDocs.Summary(optionsType) is { } summary) schema["description"] = summary;
        return schema;
    }

    private static JsonObject ObjectSchema(Type type)
    {
        var defaults = Activator.CreateInstance(type);
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var (name, property) in OptionNames.Properties(type))
        {
            var schema = ValueSchema(property.PropertyType, property.GetCustomAttribute<InputAttribute>());
            if (XmlDocs.Summary(property) is { } doc) schema["description"] = doc;
            if (property.GetCustomAttribute<RangeAttribute>() is { } range)
            {
                schema["minimum"] = JsonValue.Create(Convert.ToDouble(range.Minimum, System.Globalization.CultureInfo.InvariantCulture));
                schema["maximum"] = JsonValue.Create(Convert.ToDouble(range.Maximum, System.Globalization.CultureInfo.InvariantCulture));
            }
            var value = property.GetValue(defaults);
            if (value is not null && !property.IsDefined(typeof(RequiredMemberAttribute)))
                schema["default"] = JsonSerializer.SerializeToNode(value, property.PropertyType, EngineJson.Compact);
            properties[name] = property.PropertyType.IsClass && property.PropertyType != typeof(string) || schema.ContainsKey("enum") || IsNumberOrBool(property.PropertyType)
                ? WithExpression(schema)
                : schema;
            if (property.IsDefined(typeof(RequiredMemberAttribute))) required.Add(name);
        }
        var result = new JsonObject { ["type"] = "object", ["additionalProperties"] = false, ["properties"] = properties };
        if (required.Count > 0) result["required"] = required;
        return result;
    }

    /// <summary>Allows a <c>${{ }}</c> expression in place of a typed value; description and default
    /// stay on the outer schema, where editors look for them.</summary>
    private static JsonObject WithExpression(JsonObject schema)
    {
        var outer = new JsonObject();
        foreach (var key in new[] { "description", "default" })
        {
            if (schema[key] is { } value)
            {
                schema.Remove(key);
                outer[key] = value;
            }
        }
        outer["anyOf"] = new JsonArray(schema, Expression());
        return outer;
    }

    private static bool IsNumberOrBool(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type == typeof(decimal);
    }

    private static JsonObject ValueSchema(Type type, InputAttribute? input)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (input is not null && type == typeof(string))
            return new JsonObject { ["type"] = "string", ["x-artifact"] = input.Kind.ToString().ToLowerInvariant() };
        if (type == typeof(string)) return new JsonObject { ["type"] = "string" };
        if (type == typeof(bool)) return new JsonObject { ["type"] = "boolean" };
        if (type == typeof(int) || type == typeof(long)) return new JsonObject { ["type"] = "integer" };
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return new JsonObject { ["type"] = "number" };
        if (type.IsEnum) return new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(ScalarConverter.EnumNames(type).Select(n => (JsonNode)n!).ToArray()) };
        if (CollectionTypes.ElementOfList(type) is { } element)
            return new JsonObject { ["type"] = "array", ["items"] = ValueSchema(element, input) };
        if (CollectionTypes.ValueOfDictionary(type) is { } value)
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = ValueSchema(value, input) };
        return ObjectSchema(type);
    }
}
