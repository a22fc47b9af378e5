/**
 * Global widget "company_news": shows the five latest announcements on every main page.
 */

interface NewsItem {
    title: string;
    publishedAt: string;
    url: string;
}

async function onInit(): Promise<void> {
    const res = await fetch('https://intranet.example.com/api/news?limit=5');
    if (!res.ok) {
        Context.data.news = [];
        return;
    }
    const items = (await res.json()) as NewsItem[];
    Context.data.news = items.map(n => `${n.publishedAt.slice(0, 10)}  ${n.title}`);
}
