// The playground's image and speech modes: one prompt, one request through /v1, the result shown
// (an image, an audio player) and the request's stats handed up to the stats card.
import { Alert, Button, Card, Flex, Input, Select, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RelayError, type RunStats } from '../api/chat-run';
import { runImage, runSpeech } from '../api/media-run';

export type MediaMode = 'image' | 'speech';

const SIZES = ['1024x1024', '1024x1792', '1792x1024', '512x512', '256x256'];
const VOICES = ['alloy', 'ash', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer'];

interface MediaPanelProps {
  mode: MediaMode;
  apiKey: string;
  model: string | undefined;
  onStats: (stats: RunStats, model: string) => void;
}

export function MediaPanel({ mode, apiKey, model, onStats }: MediaPanelProps) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [size, setSize] = useState(SIZES[0] as string);
  const [voice, setVoice] = useState(VOICES[0] as string);
  const [image, setImage] = useState<string | null>(null);
  const [audioUrl, setAudioUrl] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // An object URL holds the audio until revoked.
  useEffect(() => () => (audioUrl ? URL.revokeObjectURL(audioUrl) : undefined), [audioUrl]);

  const run = async () => {
    const prompt = text.trim();
    if (!prompt || !model || running) return;
    setRunning(true);
    setError(null);
    try {
      if (mode === 'image') {
        const result = await runImage({ key: apiKey, model, prompt, size });
        setImage(result.image);
        onStats(result.stats, model);
      } else {
        const result = await runSpeech({ key: apiKey, model, input: prompt, voice });
        setAudioUrl(result.audioUrl);
        onStats(result.stats, model);
      }
    } catch (caught) {
      if (caught instanceof RelayError) setError(`${caught.status} ${caught.code ?? ''}: ${caught.message}`);
      else setError(t('playground.networkError'));
    } finally {
      setRunning(false);
    }
  };

  return (
    <Card title={t(`playground.modes.${mode}`)}>
      <Flex vertical gap={12}>
        <Input.TextArea
          value={text}
          onChange={(event) => setText(event.target.value)}
          autoSize={{ minRows: 3, maxRows: 8 }}
          placeholder={t(mode === 'image' ? 'playground.imagePrompt' : 'playground.speechInput')}
          data-testid="media-input"
        />
        <Flex gap={8} align="center">
          <Typography.Text type="secondary">
            {t(mode === 'image' ? 'playground.imageSize' : 'playground.voice')}
          </Typography.Text>
          {mode === 'image' ? (
            <Select
              value={size}
              onChange={setSize}
              style={{ width: 140 }}
              options={SIZES.map((s) => ({ value: s, label: s }))}
            />
          ) : (
            <Select
              value={voice}
              onChange={setVoice}
              style={{ width: 140 }}
              options={VOICES.map((v) => ({ value: v, label: v }))}
            />
          )}
          <Button
            type="primary"
            loading={running}
            disabled={!model || !text.trim()}
            onClick={() => void run()}
            data-testid="media-run"
          >
            {t(mode === 'image' ? 'playground.generate' : 'playground.speak')}
          </Button>
        </Flex>
        {error ? <Alert type="error" showIcon title={t('playground.failed')} description={error} /> : null}
        {mode === 'image' && image ? (
          <img
            src={image}
            alt={t('playground.imageResult')}
            style={{ maxWidth: '100%', maxHeight: 512 }}
            data-testid="media-image"
          />
        ) : null}
        {mode === 'speech' && audioUrl ? (
          <audio
            controls
            src={audioUrl}
            aria-label={t('playground.speechResult')}
            data-testid="media-audio"
          />
        ) : null}
        {!error && !(mode === 'image' ? image : audioUrl) ? (
          <Typography.Text type="secondary">{t('playground.mediaEmpty')}</Typography.Text>
        ) : null}
      </Flex>
    </Card>
  );
}
