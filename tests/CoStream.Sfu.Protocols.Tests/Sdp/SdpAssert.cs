using System.Collections;
using System.Reflection;
using CoStream.Sfu.Protocols.Sdp;

namespace CoStream.Sfu.Protocols.Tests.Sdp;

/// <summary>Helpers shared by the SDP tests: parse-or-fail and a structural (property by property) comparison.</summary>
internal static class SdpAssert
{
    public static SessionDescription Parse(string text)
    {
        SdpError error = SessionDescription.TryParse(text, out SessionDescription? description);
        Assert.Equal(SdpError.None, error);
        Assert.NotNull(description);
        return description!;
    }

    /// <summary>Compares two object graphs by public properties; lists in order, records by value.</summary>
    public static void DeepEqual(object? expected, object? actual, string path = "$")
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: {expected ?? "null"} != {actual ?? "null"}");
            return;
        }
        Type type = expected.GetType();
        Assert.True(type == actual.GetType(), $"{path}: type {type} != {actual.GetType()}");
        if (type.IsPrimitive || type.IsEnum || expected is string || expected is decimal ||
            type.GetProperty("EqualityContract", BindingFlags.NonPublic | BindingFlags.Instance) is not null)
        {
            Assert.True(Equals(expected, actual), $"{path}: '{expected}' != '{actual}'");
            return;
        }
        if (expected is IEnumerable expectedItems)
        {
            var e = expectedItems.Cast<object?>().ToList();
            var a = ((IEnumerable)actual).Cast<object?>().ToList();
            Assert.True(e.Count == a.Count, $"{path}: count {e.Count} != {a.Count}");
            for (int i = 0; i < e.Count; i++)
                DeepEqual(e[i], a[i], $"{path}[{i}]");
            return;
        }
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
                continue;
            DeepEqual(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
        }
    }
}
