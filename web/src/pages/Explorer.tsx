export default function ExplorerPage() {
  return (
    <section className="page">
      <h1>Explorer</h1>
    </section>
  );
}
