// README.txt of a release folder, in English and Persian: how to start it, where its data
// lives, how to check the fingerprint, how to move it to another stick. The text depends
// on the target (file names, OS steps) and on whether the folder has the desktop app.

const RULE = '='.repeat(72);

/** The start-up steps that depend on the target, in each language. */
const START = {
  en: {
    app: (app) => `Double-click ${app}. A small window asks: Server (share files) or Client (download).`,
    webkit: 'Linux needs WebKitGTK for the window (Debian/Ubuntu: libwebkit2gtk-4.1-0; most desktops have it).',
    noApp: 'This folder has no desktop window for this system: use pss from a terminal (below).',
    smartScreen: 'If Windows says "Windows protected your PC", click More info, then Run anyway (the files are not signed by a publisher).',
    quarantine: 'macOS blocks programs downloaded from the internet until you allow them. Once, in Terminal:',
    rosetta: 'On Apple silicon, pss is the x64 build of Node (npm publishes no Node 20 for Apple silicon); macOS runs it through Rosetta 2.',
  },
  fa: {
    app: (app) => `روی ${app} دوبار کلیک کنید. پنجره‌ی کوچکی باز می‌شود و می‌پرسد: سرور (اشتراک‌گذاری فایل) یا کلاینت (دانلود).`,
    webkit: 'در لینوکس، پنجره‌ی برنامه به WebKitGTK نیاز دارد (در دبیان و اوبونتو: libwebkit2gtk-4.1-0؛ بیشتر میزکارها آن را دارند).',
    noApp: 'این پوشه برای این سیستم پنجره‌ی گرافیکی ندارد؛ از pss در ترمینال استفاده کنید (پایین‌تر).',
    smartScreen: 'اگر ویندوز پیام «Windows protected your PC» نشان داد، روی More info و سپس Run anyway کلیک کنید (فایل‌ها امضای ناشر ندارند).',
    quarantine: 'مک‌اواس برنامه‌هایی را که از اینترنت دانلود شده‌اند تا وقتی اجازه ندهید باز نمی‌کند. یک بار در Terminal بزنید:',
    rosetta: 'در مک‌های Apple silicon، موتور pss نسخه‌ی x64 است (npm نسخه‌ی ۲۰ Node را برای Apple silicon منتشر نمی‌کند) و مک‌اواس آن را با Rosetta 2 اجرا می‌کند.',
  },
};

export function releaseReadme({ target, version, appName, hasApp, signed }) {
  const app = `${appName}${target.exe}`;
  const pss = `pss${target.exe}`;
  const run = target.os === 'windows' ? pss : `./${pss}`;
  const facts = { target, version, app, pss, run };
  return [english(facts, startLines(START.en, facts, hasApp, signed)), RULE, persian(facts, startLines(START.fa, facts, hasApp, signed)), ''].join('\n');
}

function startLines(say, { target, app, pss }, hasApp, signed) {
  const lines = [];
  if (hasApp) {
    lines.push(say.app(app));
    if (target.os === 'linux') lines.push(say.webkit);
  } else {
    lines.push(say.noApp);
  }
  if (target.os === 'windows') lines.push(say.smartScreen);
  if (target.os === 'mac') {
    lines.push(say.quarantine, '    xattr -dr com.apple.quarantine <this folder>');
    if (signed === 'no') lines.push(`    codesign --force --sign - <this folder>/${pss}`);
    if (target.node.note) lines.push(say.rosetta);
  }
  return lines;
}

function english({ target, version, pss, run }, start) {
  return `Pro Secure Suite ${version} (${target.name}): secure file sharing on your local network

Nothing to install: everything runs from this folder, also from a USB stick.

STARTING
${start.map((l) => `  ${l}`).join('\n')}

  From a terminal in this folder (every system):
    ${run} serve <folder or file>       share it; prints addresses and the fingerprint
    ${run} get <address> --all          download everything a server shares
    ${run} --help                       everything else
  Phones and other computers can use a browser: open the "Web access" address the server shows.

WHERE YOUR DATA LIVES
  In the data folder beside ${pss}: the server's certificate and private key, the servers this
  copy trusts, settings and logs. The window keeps its own settings in the hidden .storage folder
  here. Nothing is written elsewhere except the system's temporary folder. Keep data/ private:
  its server.key is what proves your server's identity.

CHECKING THE FINGERPRINT
  Every connection is encrypted with a certificate made on first start. The server shows its
  fingerprint (SHA-256, e.g. "AB:CD:…", with a short form "1290 3777 4E89 1106"). The first time a
  client connects, it shows the fingerprint it sees: compare it with the server's, in person or by
  phone, before accepting. After that the client remembers it and refuses, loudly, any server at
  that address showing another certificate. In a browser, the certificate warning is expected:
  compare the SHA-256 fingerprint in the browser's certificate details with the server's first.

MOVING TO ANOTHER STICK OR COMPUTER
  Copy the whole folder, including data/ and the hidden .storage folder. The certificate moves
  with it, so clients that trusted this server keep trusting it. Without data/, a new certificate
  is made and clients will refuse it until they forget the old one (pss forget <address>).
  Sticks formatted FAT32 cannot hold files over 4 GiB: download large files to another drive.
  Firewalls must allow the server's ports (default 5000, 5001 and 5002, TCP).
`;
}

function persian({ target, version, pss, run }, start) {
  return `Pro Secure Suite ${version} (${target.name}): اشتراک‌گذاری امن فایل در شبکه‌ی محلی

نیازی به نصب نیست: همه چیز از همین پوشه اجرا می‌شود، حتی از روی فلش.

شروع
${start.map((l) => `  ${l}`).join('\n')}

  در ترمینال، داخل همین پوشه (در هر سیستمی):
    ${run} serve <folder or file>       اشتراک‌گذاری پوشه یا فایل؛ نشانی‌ها و اثر انگشت را نشان می‌دهد
    ${run} get <address> --all          دانلود همه‌ی فایل‌های اشتراکی یک سرور
    ${run} --help                       راهنمای کامل
  گوشی‌ها و رایانه‌های دیگر می‌توانند با مرورگر وصل شوند: نشانی «Web access» را که سرور نشان می‌دهد باز کنید.

داده‌های شما کجاست
  در پوشه‌ی data کنار ${pss}: گواهی و کلید خصوصی سرور، سرورهایی که این نسخه به آن‌ها اعتماد دارد،
  تنظیمات و گزارش‌ها. پنجره‌ی برنامه تنظیمات خودش را در پوشه‌ی پنهان .storage همین‌جا نگه می‌دارد.
  جز پوشه‌ی موقت سیستم، هیچ جای دیگری چیزی نوشته نمی‌شود. پوشه‌ی data را خصوصی نگه دارید:
  فایل server.key در آن هویت سرور شما را ثابت می‌کند.

بررسی اثر انگشت
  همه‌ی اتصال‌ها با گواهی‌ای رمزنگاری می‌شوند که در اولین اجرا ساخته می‌شود. سرور اثر انگشت آن را
  نشان می‌دهد (SHA-256 مثل «AB:CD:…» و شکل کوتاه آن مثل «1290 3777 4E89 1106»). اولین باری که
  کلاینت وصل می‌شود، اثر انگشتی را که می‌بیند نشان می‌دهد: پیش از پذیرفتن، آن را حضوری یا تلفنی
  با اثر انگشت سرور مقایسه کنید. از آن پس کلاینت آن را به خاطر می‌سپارد و هر سروری را که در همان
  نشانی گواهی دیگری نشان دهد، با هشدار رد می‌کند. در مرورگر، هشدار گواهی طبیعی است: اول اثر انگشت
  SHA-256 را در جزئیات گواهی مرورگر با اثر انگشت سرور مقایسه کنید.

انتقال به فلش یا رایانه‌ی دیگر
  کل پوشه را کپی کنید، همراه با data و پوشه‌ی پنهان .storage. گواهی هم با آن منتقل می‌شود و
  کلاینت‌هایی که به این سرور اعتماد کرده‌اند همچنان به آن اعتماد می‌کنند. بدون data گواهی تازه‌ای
  ساخته می‌شود و کلاینت‌ها تا گواهی قبلی را فراموش نکنند (pss forget <address>) آن را رد می‌کنند.
  فلش‌هایی که با FAT32 قالب‌بندی شده‌اند فایل بزرگ‌تر از ۴ گیگابایت را نگه نمی‌دارند: فایل‌های بزرگ
  را روی درایو دیگری دانلود کنید. دیوار آتش باید درگاه‌های سرور را باز بگذارد (پیش‌فرض 5000، 5001 و 5002، TCP).
`;
}
