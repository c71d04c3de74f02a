// The transaction list keeps its filters in the address without a Blazor navigation, which could land after the user
// has opened a transaction and pull them back: the list's own history entry is rewritten, and only while it is shown.
window.backOfficeAddress = {
    replaceQuery(listPaths, query) {
        if (listPaths.includes(location.pathname)) {
            history.replaceState(history.state, '', location.pathname + query);
        }
    },
};
