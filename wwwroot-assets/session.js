// A live Blazor page makes no HTTP requests, so the sliding sign-in cookie would expire under an active user
// and stay valid in an idle open tab. While the user works, renew the cookie once a minute; after the idle
// timeout without input, sign out through the layout's sign-out form. Elements are looked up on every tick
// because Blazor replaces the prerendered DOM when the circuit starts.
(() => {
    const renewMs = 60 * 1000;
    let lastInput = Date.now();
    let lastRenewal = Date.now();
    for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart']) {
        addEventListener(type, () => { lastInput = Date.now(); }, { passive: true, capture: true });
    }
    const timer = setInterval(() => {
        const root = document.querySelector('[data-idle-timeout-seconds]');
        const signOut = document.querySelector('form[action="Account/Logout"]');
        if (!root || !signOut) {
            return;
        }
        const now = Date.now();
        if (now - lastInput >= Number(root.dataset.idleTimeoutSeconds) * 1000) {
            // Once: a second post would carry the signed-out user's antiforgery token.
            clearInterval(timer);
            signOut.submit();
        } else if (lastInput > lastRenewal && now - lastRenewal >= renewMs) {
            lastRenewal = now;
            fetch('Account/KeepAlive', { credentials: 'same-origin' });
        }
    }, 5 * 1000);
})();
