import cliProgress from 'cli-progress';

interface Progress {
  update(fraction: number, stage: string): void;
  stop(): void;
}

/**
 * A progress bar on stderr when it is a terminal; in logs (CI, pipes) one line per stage, so
 * long work still shows where it is without filling the log with redraws.
 */
export function progressBar(title: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) {
    let last = '';
    return {
      update(fraction, stage) {
        if (stage === last) return;
        last = stage;
        stream.write(`${title}: ${stage} (${Math.round(fraction * 100)}%)\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${title} [{bar}] {percentage}% | {stage} | {duration_formatted}`,
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(100, 0, { stage: 'starting' });
  return {
    update(fraction, stage) {
      bar.update(Math.round(fraction * 100), { stage });
    },
    stop() {
      bar.stop();
    },
  };
}
