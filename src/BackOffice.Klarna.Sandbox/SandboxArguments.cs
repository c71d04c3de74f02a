using BackOffice.Klarna.XmlRpc;

namespace BackOffice.Klarna.Sandbox;

/// <summary>A call's parameters after the envelope, read by position with errors that name the parameter.</summary>
internal sealed class SandboxArguments(string method, IReadOnlyList<object> values)
{
    public string Text(int index, string name) => Read(index, name, XmlRpcConvert.ToText);

    public int Int(int index, string name) => Read(index, name, XmlRpcConvert.ToInt32);

    public double Number(int index, string name) => Read(index, name, XmlRpcConvert.ToDouble);

    public IReadOnlyList<object> Array(int index, string name) => Read(index, name, XmlRpcConvert.ToArray);

    public IReadOnlyDictionary<string, object> Struct(int index, string name) => Read(index, name, XmlRpcConvert.ToStruct);

    /// <summary>Whether an optional trailing parameter was sent (Klarna's clients leave some off).</summary>
    public bool Has(int index) => index < values.Count;

    public void ExpectAtLeast(int count)
    {
        if (values.Count < count)
            throw SandboxFault.Parameters($"{method} takes at least {count} parameters after proto_vsn and client_vsn, got {values.Count}.");
    }

    private T Read<T>(int index, string name, Func<object, T> read)
    {
        if (index >= values.Count)
            throw SandboxFault.Parameters($"{method} is missing parameter {name}.");
        try
        {
            return read(values[index]);
        }
        catch (XmlRpcFormatException e)
        {
            throw SandboxFault.Parameters($"{method} parameter {name}: {e.Message}");
        }
    }

    public static T Member<T>(IReadOnlyDictionary<string, object> members, string name, Func<object, T> read)
    {
        if (!members.TryGetValue(name, out var value))
            throw SandboxFault.Parameters($"the struct has no member {name}.");
        try
        {
            return read(value);
        }
        catch (XmlRpcFormatException e)
        {
            throw SandboxFault.Parameters($"member {name}: {e.Message}");
        }
    }
}
