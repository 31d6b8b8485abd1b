// Small browser helpers for warehouse screens.
window.shelfbook = {
    // A short low tone for a refused scan: the worker hears it without looking at the screen.
    beep: function () {
        // Counted, so that a browser test can tell a refusal was sounded.
        window.shelfbook.beeps = (window.shelfbook.beeps || 0) + 1;
        try {
            const audio = new (window.AudioContext || window.webkitAudioContext)();
            const tone = audio.createOscillator();
            const gain = audio.createGain();
            tone.type = "square";
            tone.frequency.value = 220;
            gain.gain.value = 0.2;
            tone.connect(gain);
            gain.connect(audio.destination);
            tone.start();
            tone.stop(audio.currentTime + 0.35);
        } catch (e) {
            // No audio (a headless browser, a locked-down kiosk): the red message is still shown.
        }
    }
};
