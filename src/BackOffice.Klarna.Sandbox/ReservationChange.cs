using BackOffice.Klarna.XmlRpc;

namespace BackOffice.Klarna.Sandbox;

/// <summary>update's struct: each member may be missing, empty (<c>""</c>, <c>&lt;struct/&gt;</c>, an empty array) or set.</summary>
internal sealed record ReservationChange(
    IReadOnlyDictionary<string, object> Shipping,
    IReadOnlyDictionary<string, object> Billing,
    IReadOnlyList<object> Goods,
    string OrderId1,
    string OrderId2)
{
    public static ReservationChange Read(IReadOnlyDictionary<string, object> info)
    {
        T Member<T>(string name, Func<object, T> read, T absent) =>
            info.ContainsKey(name) ? SandboxArguments.Member(info, name, read) : absent;
        return new ReservationChange(
            Member("dlv_addr", XmlRpcConvert.ToStruct, new Dictionary<string, object>()),
            Member("bill_addr", XmlRpcConvert.ToStruct, new Dictionary<string, object>()),
            Member("goods_list", XmlRpcConvert.ToArray, []),
            Member("orderid1", XmlRpcConvert.ToText, ""),
            Member("orderid2", XmlRpcConvert.ToText, ""));
    }
}
