using System.Collections;
using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace BackOffice.Klarna.XmlRpc;

/// <summary>
/// The subset of XML-RPC that Klarna's gateway speaks. Values map to plain .NET objects:
/// <c>string</c>, <c>int</c>, <c>double</c>, <c>bool</c>, <c>List&lt;object&gt;</c> (array) and
/// <c>Dictionary&lt;string, object&gt;</c> (struct, members in wire order). On the wire it is ISO-8859-1.
/// </summary>
public static class XmlRpcCodec
{
    public static readonly Encoding WireEncoding = Encoding.Latin1;
    public const string ContentType = "text/xml; charset=ISO-8859-1";

    private const string Declaration = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>";

    public static byte[] EncodeCall(string method, IEnumerable<object> parameters) =>
        WireEncoding.GetBytes(WriteCall(method, parameters));

    public static byte[] EncodeResponse(object value) => WireEncoding.GetBytes(WriteResponse(value));

    public static byte[] EncodeFault(int code, string message) => WireEncoding.GetBytes(WriteFault(code, message));

    public static string WriteCall(string method, IEnumerable<object> parameters) =>
        Declaration + new XElement("methodCall",
            new XElement("methodName", method),
            new XElement("params", parameters.Select(p => new XElement("param", WriteValue(p))))).ToString(SaveOptions.DisableFormatting);

    public static string WriteResponse(object value) =>
        Declaration + new XElement("methodResponse",
            new XElement("params", new XElement("param", WriteValue(value)))).ToString(SaveOptions.DisableFormatting);

    public static string WriteFault(int code, string message) =>
        Declaration + new XElement("methodResponse",
            new XElement("fault", WriteValue(new Dictionary<string, object> { ["faultCode"] = code, ["faultString"] = message })))
            .ToString(SaveOptions.DisableFormatting);

    /// <summary>Reads a call from wire bytes; the XML declaration's encoding is honoured (UTF-8 without one).</summary>
    public static XmlRpcCall ReadCall(Stream body) => ReadCall(Load(body));

    public static XmlRpcCall ReadCall(string xml) => ReadCall(Load(xml));

    public static XmlRpcResponse ReadResponse(Stream body) => ReadResponse(Load(body));

    public static XmlRpcResponse ReadResponse(string xml) => ReadResponse(Load(xml));

    private static XmlRpcCall ReadCall(XDocument document)
    {
        var root = Expect(document.Root, "methodCall");
        var method = Expect(root.Element("methodName"), "methodName").Value.Trim();
        if (method.Length == 0)
            throw new XmlRpcFormatException("methodName is empty.");
        var parameters = root.Element("params")?.Elements("param")
            .Select(p => ReadValue(Expect(p.Element("value"), "value"))).ToList() ?? [];
        return new XmlRpcCall(method, parameters);
    }

    private static XmlRpcResponse ReadResponse(XDocument document)
    {
        var root = Expect(document.Root, "methodResponse");
        if (root.Element("fault") is { } fault)
        {
            var members = ReadValue(Expect(fault.Element("value"), "value")) as Dictionary<string, object>
                ?? throw new XmlRpcFormatException("A fault must hold a struct.");
            if (!members.TryGetValue("faultCode", out var code) || !members.TryGetValue("faultString", out var text))
                throw new XmlRpcFormatException("A fault must have faultCode and faultString.");
            return XmlRpcResponse.Failure(new XmlRpcFault(XmlRpcConvert.ToInt32(code), XmlRpcConvert.ToText(text)));
        }

        var param = Expect(Expect(root.Element("params"), "params").Element("param"), "param");
        return XmlRpcResponse.Success(ReadValue(Expect(param.Element("value"), "value")));
    }

    private static XElement WriteValue(object value) => new("value", value switch
    {
        string text => new XElement("string", Latin1Only(text)),
        int number => new XElement("int", number.ToString(CultureInfo.InvariantCulture)),
        long number when number is >= int.MinValue and <= int.MaxValue => new XElement("int", number.ToString(CultureInfo.InvariantCulture)),
        long number => throw new ArgumentOutOfRangeException(nameof(value), number, "XML-RPC integers are 32-bit."),
        decimal number when number == decimal.Truncate(number) => new XElement("int", ((int)number).ToString(CultureInfo.InvariantCulture)),
        decimal number => new XElement("double", number.ToString(CultureInfo.InvariantCulture)),
        double number => new XElement("double", number.ToString("R", CultureInfo.InvariantCulture)),
        bool flag => new XElement("boolean", flag ? "1" : "0"),
        IEnumerable<KeyValuePair<string, object>> members => new XElement("struct",
            members.Select(m => new XElement("member", new XElement("name", m.Key), WriteValue(m.Value)))),
        IEnumerable items => new XElement("array", new XElement("data", items.Cast<object>().Select(WriteValue))),
        _ => throw new ArgumentException($"XML-RPC cannot carry a {value?.GetType().Name ?? "null"}.", nameof(value)),
    });

    private static object ReadValue(XElement value)
    {
        var typed = value.Elements().FirstOrDefault();
        if (typed is null)
            return value.Value;

        var text = typed.Value;
        return typed.Name.LocalName switch
        {
            "string" or "dateTime.iso8601" => text,
            "int" or "i4" => ParseInt(text),
            // The <nil/> extension (Python's allow_none, PHP's null): the absent value, as the empty string PHP sends.
            "nil" => "",
            "double" => double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d : throw new XmlRpcFormatException($"'{text}' is not a double."),
            "boolean" => text.Trim() switch
            {
                "1" => true,
                "0" => false,
                _ => throw new XmlRpcFormatException($"'{text}' is not a boolean."),
            },
            "array" => Expect(typed.Element("data"), "data").Elements("value").Select(ReadValue).ToList(),
            "struct" => ReadStruct(typed),
            var other => throw new XmlRpcFormatException($"The XML-RPC type <{other}> is not supported."),
        };
    }

    private static Dictionary<string, object> ReadStruct(XElement element)
    {
        var members = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var member in element.Elements("member"))
        {
            var name = Expect(member.Element("name"), "name").Value;
            members[name] = ReadValue(Expect(member.Element("value"), "value"));
        }
        return members;
    }

    private static int ParseInt(string text) =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new XmlRpcFormatException($"'{text}' is not a 32-bit integer.");

    private static string Latin1Only(string text)
    {
        foreach (var c in text)
        {
            if (c > '\u00FF')
                throw new ArgumentException($"'{text}' has the character '{c}', which ISO-8859-1 cannot carry.", nameof(text));
        }
        return text;
    }

    private static XElement Expect(XElement? element, string name) =>
        element is not null && element.Name.LocalName == name
            ? element
            : throw new XmlRpcFormatException($"Expected <{name}>{(element is null ? "" : $" but found <{element.Name.LocalName}>")}.");

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreWhitespace = false,
    };

    private static XDocument Load(Stream body)
    {
        try
        {
            using var reader = XmlReader.Create(body, ReaderSettings);
            return XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new XmlRpcFormatException($"Not well-formed XML: {e.Message}", e);
        }
    }

    private static XDocument Load(string xml)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), ReaderSettings);
            return XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new XmlRpcFormatException($"Not well-formed XML: {e.Message}", e);
        }
    }
}
