using System.Text;
using BackOffice.Klarna.XmlRpc;

namespace BackOffice.Klarna.Tests.XmlRpc;

public sealed class XmlRpcCodecTests
{
    [Fact]
    public void A_call_round_trips_every_type_in_order()
    {
        var members = new Dictionary<string, object> { ["zeta"] = 1, ["alpha"] = "a", ["nested"] = new Dictionary<string, object>() };
        object[] parameters = ["text", 42, -7L, 2.5, true, false, new List<object> { 1, "two" }, members, new List<object>()];

        var call = XmlRpcCodec.ReadCall(XmlRpcCodec.WriteCall("some_method", parameters));

        Assert.Equal("some_method", call.Method);
        Assert.Equal("text", call.Parameters[0]);
        Assert.Equal(42, call.Parameters[1]);
        Assert.Equal(-7, call.Parameters[2]);
        Assert.Equal(2.5, call.Parameters[3]);
        Assert.Equal(true, call.Parameters[4]);
        Assert.Equal(false, call.Parameters[5]);
        Assert.Equal(new List<object> { 1, "two" }, call.Parameters[6]);
        var read = Assert.IsType<Dictionary<string, object>>(call.Parameters[7]);
        Assert.Equal(["zeta", "alpha", "nested"], read.Keys);
        Assert.Empty(Assert.IsType<Dictionary<string, object>>(read["nested"]));
        Assert.Empty(Assert.IsType<List<object>>(call.Parameters[8]));
    }

    [Fact]
    public void Reads_i4_and_int_bare_text_values_and_empty_structs()
    {
        const string xml = """
            <?xml version="1.0"?><methodResponse><params><param><value><array><data>
            <value><i4>7</i4></value><value><int> -3 </int></value><value>bare text</value><value></value>
            <value><struct/></value><value><array><data/></array></value><value><string></string></value>
            </data></array></value></param></params></methodResponse>
            """;

        var values = Assert.IsType<List<object>>(XmlRpcCodec.ReadResponse(xml).Value);

        Assert.Equal([7, -3, "bare text", "", new Dictionary<string, object>(), new List<object>(), ""], values);
    }

    [Fact]
    public void Reads_a_fault()
    {
        var response = XmlRpcCodec.ReadResponse(XmlRpcCodec.WriteFault(9114, "invalid_estore_secret"));

        Assert.Null(response.Value);
        Assert.Equal(new XmlRpcFault(9114, "invalid_estore_secret"), response.Fault);
    }

    [Fact]
    public void Writes_latin1_on_the_wire_and_reads_it_back()
    {
        var bytes = XmlRpcCodec.EncodeCall("get_addresses", ["Stårgatan 1"]);

        Assert.Contains((byte)0xE5, bytes);
        Assert.DoesNotContain("Ã", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal("Stårgatan 1", XmlRpcCodec.ReadCall(new MemoryStream(bytes)).Parameters[0]);
    }

    [Fact]
    public void Refuses_characters_latin1_cannot_carry()
    {
        var error = Assert.Throws<ArgumentException>(() => XmlRpcCodec.WriteCall("reserve_amount", ["Zoë ☃"]));

        Assert.Contains("ISO-8859-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Escapes_markup_in_strings()
    {
        var call = XmlRpcCodec.ReadCall(XmlRpcCodec.WriteCall("m", ["<b>&amp;</b>"]));

        Assert.Equal("<b>&amp;</b>", call.Parameters[0]);
    }

    [Fact]
    public void Whole_decimals_are_ints_and_fractions_are_doubles()
    {
        var xml = XmlRpcCodec.WriteCall("m", [25m, 7.5m]);

        Assert.Contains("<int>25</int>", xml, StringComparison.Ordinal);
        Assert.Contains("<double>7.5</double>", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void Amounts_beyond_32_bits_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => XmlRpcCodec.WriteCall("m", [3_000_000_000L]));
    }

    [Theory]
    [InlineData("<methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>", "not a 32-bit integer")]
    [InlineData("<methodResponse><params><param><value><boolean>2</boolean></value></param></params></methodResponse>", "not a boolean")]
    [InlineData("<methodResponse><params><param><value><base64>AA==</base64></value></param></params></methodResponse>", "<base64> is not supported")]
    [InlineData("<methodResponse><params></params></methodResponse>", "Expected <param>")]
    [InlineData("<methodCall><methodName>m</methodName></methodCall>", "Expected <methodResponse>")]
    [InlineData("<methodResponse><fault><value><struct></struct></value></fault></methodResponse>", "faultCode and faultString")]
    [InlineData("<methodResponse><params>", "Not well-formed XML")]
    [InlineData("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><methodResponse/>", "Not well-formed XML")]
    public void Malformed_responses_fail_with_a_message_that_says_what_is_wrong(string xml, string expected)
    {
        var error = Assert.Throws<XmlRpcFormatException>(() => XmlRpcCodec.ReadResponse(xml));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_call_without_a_method_name_is_malformed()
    {
        Assert.Throws<XmlRpcFormatException>(() => XmlRpcCodec.ReadCall("<methodCall><methodName> </methodName><params/></methodCall>"));
    }
}
